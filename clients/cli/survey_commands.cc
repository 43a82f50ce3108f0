// convene survey create | list | show | open | close | copy | tokens | respond
// | import | code | responses
//
// Thin like the other nouns: the survey service checks definitions, tokens and
// answers, keeps anonymous responses anonymous, scores quizzes and codes free
// text. These commands read the files people write (a definition, answers, a
// CSV of paper forms, a codebook), refuse a malformed one before any call, and
// lay the answers out.

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <iostream>
#include <map>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "clients/cli/command.h"
#include "clients/cli/enums.h"
#include "clients/cli/service_client.h"
#include "clients/cli/survey_answers.h"
#include "convene/survey/v1/survey_service.grpc.pb.h"
#include "google/protobuf/util/json_util.h"
#include "services/common/auth.h"
#include "services/common/ids.h"
#include "services/common/status.h"
#include "services/survey/survey_rules.h"

namespace convene::cli {
namespace {

namespace v1 = ::convene::survey::v1;
using v1::SurveyService;
using Surveys = google::protobuf::RepeatedPtrField<Survey>;

// Runs one SurveyService RPC against the service at $CONVENE_SURVEY_ADDR.
template <typename Request, typename Response, typename Rpc>
absl::Status CallSurvey(const Invocation& in, const Request& request, Response* response, Rpc rpc) {
  ServiceClient client("survey", in.timeout);
  auto stub = SurveyService::NewStub(client.channel());
  return client.Call(
      [&](grpc::ClientContext* context) { return ((*stub).*rpc)(context, request, response); });
}

absl::StatusOr<v1::GetSurveyResponse> GetSurvey(const Invocation& in, const std::string& id) {
  v1::GetSurveyRequest request;
  request.set_survey_id(id);
  v1::GetSurveyResponse response;
  CONVENE_RETURN_IF_ERROR(CallSurvey(in, request, &response, &SurveyService::Stub::GetSurvey));
  return response;
}

std::string ShownPath(const std::string& path) { return path == "-" ? "standard input" : path; }

// --- Reading files -----------------------------------------------------------

// A definition file, checked as the service will check it (but for the
// event, which comes from --event), so that a mistake is named before any call.
absl::StatusOr<Survey> ReadDefinition(const std::string& path) {
  CONVENE_ASSIGN_OR_RETURN(std::string json, ReadInput(path));
  absl::StatusOr<Survey> survey = ::convene::survey::ParseSurveyDefinition(json);
  if (!survey.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(ShownPath(path), ": ", survey.status().message()));
  }
  return survey;
}

// A codebook file: the Codebook message in protobuf JSON,
// {"rules": [{"code": "...", "keywords": ["...", ...]}, ...]}.
absl::StatusOr<v1::Codebook> ReadCodebook(const std::string& path) {
  CONVENE_ASSIGN_OR_RETURN(std::string json, ReadInput(path));
  v1::Codebook codebook;
  const auto parsed = google::protobuf::util::JsonStringToMessage(json, &codebook);
  if (!parsed.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(
        ShownPath(path),
        " is not a codebook such as {\"rules\": [{\"code\": \"collaboration\", \"keywords\": "
        "[\"collaborate\", \"cooperation\"]}]} (",
        parsed.message().ToString(), ")"));
  }
  const absl::Status valid = ::convene::survey::ValidateCodebook(codebook);
  if (!valid.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(ShownPath(path), ": ", valid.message()));
  }
  return codebook;
}

// --- Laying surveys out ------------------------------------------------------

std::string KindName(v1::SurveyKind kind) { return EnumDisplay(v1::SurveyKind_descriptor(), kind); }
std::string StateName(v1::SurveyState state) {
  return EnumDisplay(v1::SurveyState_descriptor(), state);
}

// Table output: id, kind, state, questions, title. CSV: every field but the
// questions themselves (`survey show --output csv` lists those).
Table SurveyTable(const Surveys& surveys, OutputFormat format) {
  Table table;
  if (format == OutputFormat::kCsv) {
    table.header = {"survey_id", "event_id",   "session_id",       "title",
                    "kind",      "state",      "anonymous",        "questions",
                    "open_time", "close_time", "linked_survey_id", "create_time"};
    for (const Survey& s : surveys) {
      table.rows.push_back({s.id(), s.event_id(), s.session_id(), s.title(), KindName(s.kind()),
                            StateName(s.state()), s.anonymous() ? "true" : "false",
                            absl::StrCat(s.questions_size()), FormatTimestamp(s.open_time()),
                            FormatTimestamp(s.close_time()), s.linked_survey_id(),
                            FormatTimestamp(s.create_time())});
    }
    return table;
  }
  table.header = {"survey", "kind", "state", "questions", "title"};
  table.cut_order = {4};
  for (const Survey& s : surveys) {
    table.rows.push_back({s.id(), KindName(s.kind()), StateName(s.state()),
                          absl::StrCat(s.questions_size()), s.title()});
  }
  return table;
}

// One survey in the chosen output format; `table_text` is what table output
// prints, since each command says something different about it.
void PrintSurvey(const Invocation& in, const google::protobuf::Message& response,
                 const Survey& survey, const std::string& table_text) {
  switch (in.output) {
    case OutputFormat::kJson:
      *in.out << ToJson(response);
      break;
    case OutputFormat::kCsv: {
      Surveys one;
      *one.Add() = survey;
      *in.out << RenderCsv(SurveyTable(one, in.output));
      break;
    }
    case OutputFormat::kTable:
      *in.out << table_text;
      break;
  }
}

// "in_person = In person; online = Online" (or "1 = ...; 5 = ..." for Likert
// labels), for a CSV cell.
std::string ChoicesCell(const Question& q) {
  std::vector<std::string> parts;
  for (const auto& [key, label] : QuestionChoices(q)) {
    parts.push_back(absl::StrCat(key, " = ", label));
  }
  return absl::StrJoin(parts, "; ");
}

// `text` broken between words into lines of at most `width` characters, each
// after `indent` spaces (a word longer than a line stays whole).
std::string WrapText(absl::string_view text, int indent, int width) {
  std::string out, line;
  for (absl::string_view word : absl::StrSplit(text, ' ', absl::SkipEmpty())) {
    if (!line.empty() && indent + DisplayWidth(line) + 1 + DisplayWidth(word) > width) {
      absl::StrAppend(&out, std::string(indent, ' '), line, "\n");
      line.clear();
    }
    absl::StrAppend(&line, line.empty() ? "" : " ", word);
  }
  if (!line.empty()) absl::StrAppend(&out, std::string(indent, ' '), line, "\n");
  return out;
}

// Each question: its number, key and kind, its text, its choices beneath;
// under a heading per section.
std::string QuestionsText(const Survey& survey) {
  std::string out = absl::StrCat(survey.questions_size(), " questions\n");
  std::string section;
  for (int i = 0; i < survey.questions_size(); ++i) {
    const Question& q = survey.questions(i);
    if (q.section() != section) {
      section = q.section();
      for (const auto& s : survey.sections()) {
        if (s.key() == section) absl::StrAppend(&out, "\n  ", s.title(), "\n");
      }
    }
    std::string kind = QuestionKindText(q);
    if (q.required()) absl::StrAppend(&kind, ", required");
    if (q.has_quiz()) absl::StrAppend(&kind, ", correct: ", q.quiz().correct());
    absl::StrAppend(&out, "\n", i < 9 ? " " : "", i + 1, ". ", q.key(), "  (", kind, ")\n",
                    WrapText(q.text(), 4, OutputWidth()));
    // Choices as "key  label", the labels lined up and wrapped beneath themselves.
    const auto choices = QuestionChoices(q);
    int key_width = 0;
    for (const auto& [key, label] : choices) key_width = std::max(key_width, DisplayWidth(key));
    const int label_indent = 6 + key_width + 2;
    for (const auto& [key, label] : choices) {
      std::string lines = WrapText(label, label_indent, std::max(OutputWidth(), label_indent + 20));
      if (lines.empty()) lines = std::string(label_indent, ' ') + "\n";
      lines.replace(
          0, label_indent,
          absl::StrCat("      ", key, std::string(key_width - DisplayWidth(key) + 2, ' ')));
      out += lines;
    }
  }
  return out;
}

std::string SurveyText(const v1::GetSurveyResponse& response) {
  const Survey& s = response.survey();
  std::string text = RenderRecord({
      {"survey", s.id()},
      {"title", s.title()},
      {"event", s.event_id()},
      {"session", s.session_id()},
      {"kind", KindName(s.kind())},
      {"state", StateName(s.state())},
      {"anonymous", s.anonymous() ? "yes" : "no"},
      {"linked survey", s.linked_survey_id()},
      {"opens", FormatTimestamp(s.open_time())},
      {"closes", FormatTimestamp(s.close_time())},
      {"responses", absl::StrCat(response.response_count())},
      {"tokens issued", absl::StrCat(response.token_count())},
  });
  return absl::StrCat(text, "\n", QuestionsText(s));
}

// --- Commands ----------------------------------------------------------------

absl::Status Create(const Invocation& in) {
  CONVENE_ASSIGN_OR_RETURN(std::string event, RequiredFlag(in.args, "event"));
  CONVENE_ASSIGN_OR_RETURN(std::string path, RequiredFlag(in.args, "file"));
  v1::CreateSurveyRequest request;
  CONVENE_ASSIGN_OR_RETURN(*request.mutable_survey(), ReadDefinition(path));
  request.mutable_survey()->set_event_id(event);
  if (in.args.Has("session")) request.mutable_survey()->set_session_id(in.args.Get("session"));
  if (in.args.Has("link")) request.mutable_survey()->set_linked_survey_id(in.args.Get("link"));
  request.set_request_id(in.args.Get("request-id"));
  v1::CreateSurveyResponse response;
  CONVENE_RETURN_IF_ERROR(CallSurvey(in, request, &response, &SurveyService::Stub::CreateSurvey));
  // The id alone, so that `id=$(convene survey create ...)` works.
  PrintSurvey(in, response, response.survey(), absl::StrCat(response.survey().id(), "\n"));
  return absl::OkStatus();
}

absl::Status List(const Invocation& in) {
  v1::ListSurveysRequest request;
  CONVENE_ASSIGN_OR_RETURN(std::string event, RequiredFlag(in.args, "event"));
  request.set_event_id(event);
  v1::ListSurveysResponse response;
  CONVENE_RETURN_IF_ERROR(CallSurvey(in, request, &response, &SurveyService::Stub::ListSurveys));
  switch (in.output) {
    case OutputFormat::kJson:
      *in.out << ToJson(response);
      break;
    case OutputFormat::kCsv:
      *in.out << RenderCsv(SurveyTable(response.surveys(), in.output));
      break;
    case OutputFormat::kTable:
      if (response.surveys().empty()) {
        *in.out << "no surveys yet; create one with: convene survey create --event " << event
                << " --file FILE.json\n";
      } else {
        *in.out << RenderTable(SurveyTable(response.surveys(), in.output));
      }
      break;
  }
  return absl::OkStatus();
}

absl::Status Show(const Invocation& in) {
  CONVENE_ASSIGN_OR_RETURN(v1::GetSurveyResponse response, GetSurvey(in, in.args.positional()[0]));
  switch (in.output) {
    case OutputFormat::kJson:
      *in.out << ToJson(response);
      break;
    case OutputFormat::kCsv: {
      Table table;
      table.header = {"key", "section", "kind", "required", "text", "choices", "correct"};
      for (const Question& q : response.survey().questions()) {
        table.rows.push_back({q.key(), q.section(), QuestionKindText(q),
                              q.required() ? "true" : "false", q.text(), ChoicesCell(q),
                              q.has_quiz() ? q.quiz().correct() : ""});
      }
      *in.out << RenderCsv(table);
      break;
    }
    case OutputFormat::kTable:
      *in.out << SurveyText(response);
      break;
  }
  return absl::OkStatus();
}

absl::Status Open(const Invocation& in) {
  v1::OpenSurveyRequest request;
  request.set_survey_id(in.args.positional()[0]);
  v1::OpenSurveyResponse response;
  CONVENE_RETURN_IF_ERROR(CallSurvey(in, request, &response, &SurveyService::Stub::OpenSurvey));
  PrintSurvey(in, response, response.survey(), absl::StrCat("opened ", request.survey_id(), "\n"));
  return absl::OkStatus();
}

absl::Status Close(const Invocation& in) {
  v1::CloseSurveyRequest request;
  request.set_survey_id(in.args.positional()[0]);
  v1::CloseSurveyResponse response;
  CONVENE_RETURN_IF_ERROR(CallSurvey(in, request, &response, &SurveyService::Stub::CloseSurvey));
  PrintSurvey(in, response, response.survey(), absl::StrCat("closed ", request.survey_id(), "\n"));
  return absl::OkStatus();
}

absl::Status Copy(const Invocation& in) {
  v1::CopySurveyRequest request;
  request.set_survey_id(in.args.positional()[0]);
  request.set_event_id(in.args.Get("event"));
  request.set_request_id(in.args.Get("request-id"));
  v1::CopySurveyResponse response;
  CONVENE_RETURN_IF_ERROR(CallSurvey(in, request, &response, &SurveyService::Stub::CopySurvey));
  // The id alone, as `create` prints it.
  PrintSurvey(in, response, response.survey(), absl::StrCat(response.survey().id(), "\n"));
  return absl::OkStatus();
}

absl::Status Tokens(const Invocation& in) {
  v1::IssueTokensRequest request;
  request.set_survey_id(in.args.positional()[0]);
  request.set_checked_in_day(in.args.Get("checked-in"));
  request.set_reissue_unused(in.args.Has("reissue"));
  v1::IssueTokensResponse response;
  CONVENE_RETURN_IF_ERROR(CallSurvey(in, request, &response, &SurveyService::Stub::IssueTokens));
  const bool csv = in.output == OutputFormat::kCsv;
  Table table;
  table.header = {csv ? "participant_id" : "participant", "name", "email", "token"};
  table.cut_order = {1, 2};  // never the id or the token, which people copy
  for (const v1::Token& t : response.tokens()) {
    table.rows.push_back({t.participant_id(), t.name(), t.email(), t.token()});
  }
  switch (in.output) {
    case OutputFormat::kJson:
      *in.out << ToJson(response);
      break;
    case OutputFormat::kCsv:
      *in.out << RenderCsv(table);
      break;
    case OutputFormat::kTable:
      if (response.tokens().empty()) {
        *in.out << "no new tokens: every eligible participant already has one ("
                << response.total_issued() << " issued in all)\n";
      } else {
        *in.out << RenderTable(table);
      }
      break;
  }
  const int issued = response.tokens_size();
  if (issued > 0) {
    // The service keeps only a hash of each token: this is the one chance to
    // send them out.
    *in.err << issued << (issued == 1 ? " token" : " tokens")
            << " issued; they are shown only now and cannot be shown again: keep "
            << (isatty(STDOUT_FILENO) ? "this list" : "this file") << "\n";
  }
  return absl::OkStatus();
}

absl::Status Respond(const Invocation& in) {
  const std::string& id = in.args.positional()[0];
  // The survey token: --token, or $CONVENE_SURVEY_TOKEN (which does not show in `ps`).
  std::string token = in.args.Get("token");
  if (token.empty() && std::getenv("CONVENE_SURVEY_TOKEN") != nullptr) {
    token = std::getenv("CONVENE_SURVEY_TOKEN");
  }
  if (token.empty()) return UsageError("--token is required (or set CONVENE_SURVEY_TOKEN)");
  // A respondent without a credential of their own calls with the survey token itself.
  if (CallCredential().empty()) SetCallCredential(token);
  const std::string path = in.args.Get("answers");
  const bool ask = path.empty();
  if (ask && !isatty(STDIN_FILENO)) {
    return UsageError(
        "--answers is required when standard input is not a terminal (a JSON file such as "
        "{\"overall\": 4}, or - to read it from standard input)");
  }
  std::string json;
  if (!ask) {
    CONVENE_ASSIGN_OR_RETURN(json, ReadInput(path));
  }
  // The questions, to give each value its question's type.
  CONVENE_ASSIGN_OR_RETURN(v1::GetSurveyResponse got, GetSurvey(in, id));
  const Survey& survey = got.survey();
  v1::SubmitResponseRequest request;
  request.set_survey_id(id);
  request.set_token(token);
  std::vector<Answer> answers;
  if (ask) {
    // Not worth typing every answer for the service to refuse them.
    if (survey.state() != v1::SURVEY_STATE_OPEN) {
      return absl::FailedPreconditionError(absl::StrCat(
          "survey ", id, " is ", StateName(survey.state()), ", not open: it takes no answers now"));
    }
    CONVENE_ASSIGN_OR_RETURN(answers, AskAnswers(survey, std::cin, *in.err));
  } else {
    CONVENE_ASSIGN_OR_RETURN(answers, AnswersFromJson(survey, json, ShownPath(path)));
  }
  for (Answer& answer : answers) *request.add_answers() = std::move(answer);
  v1::SubmitResponseResponse response;
  CONVENE_RETURN_IF_ERROR(CallSurvey(in, request, &response, &SurveyService::Stub::SubmitResponse));
  switch (in.output) {
    case OutputFormat::kJson:
      *in.out << ToJson(response);
      break;
    case OutputFormat::kCsv:
      *in.out << RenderCsv(
          Table{{"response_id", "score", "max_score"},
                {{response.response().id(), absl::StrCat(response.response().score()),
                  absl::StrCat(response.response().max_score())}}});
      break;
    case OutputFormat::kTable: {
      const v1::Response& r = response.response();
      *in.out << "recorded " << r.id();
      if (r.max_score() > 0) *in.out << ": score " << r.score() << " of " << r.max_score();
      *in.out << "\n";
      break;
    }
  }
  return absl::OkStatus();
}

absl::Status Import(const Invocation& in) {
  const std::string& path = in.args.positional()[1];
  CONVENE_ASSIGN_OR_RETURN(
      std::vector<CsvRecord> records,
      ReadCsvInput(path, "one per question key, and optionally _country,_sector,_gender,_role"));
  v1::ImportResponsesRequest request;
  request.set_survey_id(in.args.positional()[0]);
  FillImportRequest(std::move(records), request);
  request.set_skip_invalid(in.args.Has("skip-invalid"));
  // A fresh id per run: if the RPC is retried after a lost answer, the
  // service imports the rows once.
  request.set_request_id(NewId("imp"));
  v1::ImportResponsesResponse response;
  CONVENE_RETURN_IF_ERROR(
      CallSurvey(in, request, &response, &SurveyService::Stub::ImportResponses));
  CONVENE_ASSIGN_OR_RETURN(
      const int bad_rows,
      ReportRowErrors(in, response.errors(), request.rows_size(), request.skip_invalid()));
  switch (in.output) {
    case OutputFormat::kJson:
      *in.out << ToJson(response);
      break;
    case OutputFormat::kCsv:
      *in.out << RenderCsv(
          Table{{"imported_count", "skipped_count"},
                {{absl::StrCat(response.imported_count()), absl::StrCat(bad_rows)}}});
      break;
    case OutputFormat::kTable: {
      const int imported = response.imported_count();
      *in.out << "imported " << imported << (imported == 1 ? " response" : " responses");
      if (bad_rows > 0) {
        *in.out << "; skipped " << bad_rows << (bad_rows == 1 ? " invalid row" : " invalid rows");
      }
      *in.out << "\n";
      break;
    }
  }
  return absl::OkStatus();
}

absl::Status Code(const Invocation& in) {
  v1::CodeAnswersRequest request;
  request.set_survey_id(in.args.positional()[0]);
  CONVENE_ASSIGN_OR_RETURN(std::string question, RequiredFlag(in.args, "question"));
  request.set_question_key(question);
  const bool by_codebook = in.args.Has("codebook");
  const bool by_response = in.args.Has("response") || in.args.Has("codes");
  if (by_codebook == by_response) {
    return UsageError(
        "give either --codebook FILE, or --response RESPONSE_ID with --codes CODE,CODE");
  }
  if (by_codebook) {
    CONVENE_ASSIGN_OR_RETURN(*request.mutable_codebook(), ReadCodebook(in.args.Get("codebook")));
  } else {
    CONVENE_ASSIGN_OR_RETURN(std::string response_id, RequiredFlag(in.args, "response"));
    if (!in.args.Has("codes")) {
      return UsageError("--codes is required with --response (--codes \"\" removes the codes)");
    }
    v1::AnswerCodes* codes = request.add_answer_codes();
    codes->set_response_id(response_id);
    for (absl::string_view code : absl::StrSplit(in.args.Get("codes"), ',')) {
      code = absl::StripAsciiWhitespace(code);
      if (!code.empty()) codes->add_codes(std::string(code));
    }
  }
  v1::CodeAnswersResponse response;
  CONVENE_RETURN_IF_ERROR(CallSurvey(in, request, &response, &SurveyService::Stub::CodeAnswers));
  switch (in.output) {
    case OutputFormat::kJson:
      *in.out << ToJson(response);
      break;
    case OutputFormat::kCsv:
      *in.out << RenderCsv(Table{{"question_key", "coded_count", "uncoded_count"},
                                 {{question, absl::StrCat(response.coded_count()),
                                   absl::StrCat(response.uncoded_count())}}});
      break;
    case OutputFormat::kTable:
      *in.out << question << ": " << response.coded_count() << " answers coded, "
              << response.uncoded_count() << " with text but no code\n";
      break;
  }
  return absl::OkStatus();
}

// The answers of `r` by question key.
std::map<std::string, const Answer*> AnswersByKey(const v1::Response& r) {
  std::map<std::string, const Answer*> by_key;
  for (const Answer& a : r.answers()) by_key[a.question_key()] = &a;
  return by_key;
}

// One row per response: its id, one column per question key as the import
// reads them (with a KEY:codes column after each free-text question), the
// respondent's attributes, the quiz score and, for a linked pre- or post-test,
// the pair key.
Table ResponseCsv(const Survey& survey,
                  const google::protobuf::RepeatedPtrField<v1::Response>& all) {
  Table table;
  table.header = {"response_id"};
  for (const Question& q : survey.questions()) {
    table.header.push_back(q.key());
    if (q.has_free_text()) table.header.push_back(absl::StrCat(q.key(), ":codes"));
  }
  for (const char* column : {"_country", "_sector", "_gender", "_role", "score"}) {
    table.header.push_back(column);
  }
  // A linked pre- or post-test: the pseudonym that pairs one person's two responses.
  const bool linked = !survey.linked_survey_id().empty();
  if (linked) table.header.push_back("pair_key");
  for (const v1::Response& r : all) {
    const auto by_key = AnswersByKey(r);
    std::vector<std::string> row = {r.id()};
    for (const Question& q : survey.questions()) {
      auto it = by_key.find(q.key());
      row.push_back(it == by_key.end() ? "" : AnswerCell(*it->second));
      if (q.has_free_text()) {
        row.push_back(it == by_key.end() ? "" : absl::StrJoin(it->second->codes(), ";"));
      }
    }
    const v1::RespondentAttributes& a = r.attributes();
    row.insert(row.end(), {a.country(), a.sector(), a.gender(), a.role(), absl::StrCat(r.score())});
    if (linked) row.push_back(r.pair_key());
    table.rows.push_back(std::move(row));
  }
  return table;
}

// For people: id, country, the quiz score when there is a quiz, the codes of
// free-text answers when there is free text, then the answers as key=value
// when the terminal is wide enough.
Table ResponseTable(const Survey& survey,
                    const google::protobuf::RepeatedPtrField<v1::Response>& all) {
  bool quiz = false, free_text = false;
  for (const Question& q : survey.questions()) {
    quiz = quiz || q.has_quiz();
    free_text = free_text || q.has_free_text();
  }
  Table table;
  table.header = {"response", "country"};
  if (quiz) table.header.push_back("score");
  if (free_text) table.header.push_back("codes");
  table.header.push_back("answers");
  const size_t answers_column = table.header.size() - 1;
  // The answers are left out rather than cut to a few letters when the
  // terminal is too narrow: the CSV has them whole.
  table.drop_order = {answers_column};
  if (free_text) table.cut_order.push_back(answers_column - 1);
  for (const v1::Response& r : all) {
    std::vector<std::string> row = {r.id(), r.attributes().country()};
    if (quiz) row.push_back(absl::StrCat(r.score(), "/", r.max_score()));
    std::vector<std::string> codes, answers;
    for (const Answer& a : r.answers()) {
      codes.insert(codes.end(), a.codes().begin(), a.codes().end());
      answers.push_back(absl::StrCat(a.question_key(), "=", AnswerCell(a)));
    }
    if (free_text) row.push_back(absl::StrJoin(codes, "; "));
    row.push_back(absl::StrJoin(answers, "  "));
    table.rows.push_back(std::move(row));
  }
  return table;
}

absl::Status Responses(const Invocation& in) {
  const std::string& id = in.args.positional()[0];
  CONVENE_ASSIGN_OR_RETURN(v1::GetSurveyResponse got, GetSurvey(in, id));
  // Every page of the stream in one message, so that JSON output is a single
  // document.
  v1::StreamResponsesResponse all;
  v1::StreamResponsesRequest request;
  request.set_survey_id(id);
  ServiceClient client("survey", in.timeout);
  auto stub = SurveyService::NewStub(client.channel());
  CONVENE_RETURN_IF_ERROR(client.Call([&](grpc::ClientContext* context) {
    auto reader = stub->StreamResponses(context, request);
    v1::StreamResponsesResponse page;
    while (reader->Read(&page)) {
      for (v1::Response& r : *page.mutable_responses()) *all.add_responses() = std::move(r);
    }
    return reader->Finish();
  }));
  switch (in.output) {
    case OutputFormat::kJson:
      *in.out << ToJson(all);
      break;
    case OutputFormat::kCsv:
      *in.out << RenderCsv(ResponseCsv(got.survey(), all.responses()));
      break;
    case OutputFormat::kTable: {
      const int n = all.responses_size();
      *in.out << n << (n == 1 ? " response" : " responses") << " to " << id << "\n";
      if (n > 0) {
        *in.out << "\n"
                << RenderTable(ResponseTable(got.survey(), all.responses())) << "\n"
                << "every answer: convene survey responses " << id << " --output csv\n";
      }
      break;
    }
  }
  return absl::OkStatus();
}

}  // namespace

std::vector<Command> SurveyCommands() {
  using Kind = FlagSpec::Kind;
  return {
      {"survey",
       "create",
       "survey create --event EVENT_ID --file DEFINITION.json [--session SESSION_ID] "
       "[--link SURVEY_ID] [--request-id ID]",
       "Creates a draft survey from a definition file (the Survey message in protobuf JSON: "
       "title, kind EVALUATION, PRE_TEST, POST_TEST or POLL, anonymous, questions with a key, "
       "text and one of likert, rating, singleChoice, multipleChoice, number, freeText, quiz) and "
       "prints its id. The file is checked first and its mistakes named. --link names the "
       "pre-test of a post-test; issue tokens after linking, and one token per participant "
       "then answers both.",
       {{"event"}, {"file"}, {"session"}, {"link"}, {"request-id"}},
       {},
       Create},
      {"survey",
       "list",
       "survey list --event EVENT_ID",
       "Lists the event's surveys.",
       {{"event"}},
       {},
       List},
      {"survey",
       "show",
       "survey show SURVEY_ID",
       "Shows a survey: its kind, state, link and counts of responses and tokens, then each "
       "question with its key, kind, range or options.",
       {},
       {"SURVEY_ID"},
       Show},
      {"survey",
       "open",
       "survey open SURVEY_ID",
       "Opens a draft survey for answers; its questions can no longer change.",
       {},
       {"SURVEY_ID"},
       Open},
      {"survey",
       "close",
       "survey close SURVEY_ID",
       "Closes a survey: no more answers.",
       {},
       {"SURVEY_ID"},
       Close},
      {"survey",
       "copy",
       "survey copy SURVEY_ID [--event EVENT_ID] [--request-id ID]",
       "Copies a survey's questions into a new draft, for the same event or another one, and "
       "prints the new id.",
       {{"event"}, {"request-id"}},
       {"SURVEY_ID"},
       Copy},
      {"survey",
       "tokens",
       "survey tokens SURVEY_ID [--checked-in YYYY-MM-DD] [--reissue]",
       "Issues a single-use token to every confirmed participant (or everyone checked in on "
       "a day) who has none yet, and lists them: participant, name, email, token. Tokens are "
       "shown only this once: keep the output (--output csv for a file to mail from). With "
       "--reissue, those whose token is unused get a new one too (the old one stops working): "
       "for a list that was lost.",
       {{"checked-in"}, {"reissue", FlagSpec::Kind::kSwitch}},
       {"SURVEY_ID"},
       Tokens},
      {"survey",
       "respond",
       "survey respond SURVEY_ID --token TOKEN [--answers ANSWERS.json|-]",
       "Submits one response. The answers file maps question keys to values: "
       "{\"overall\": 4, \"format\": \"online\", \"topics\": [\"procurement\"], \"most_useful\": "
       "\"...\"}. Without --answers, on a terminal, asks question by question.",
       {{"token"}, {"answers"}},
       {"SURVEY_ID"},
       Respond},
      {"survey",
       "import",
       "survey import SURVEY_ID FILE.csv|- [--skip-invalid]",
       "Imports paper or external forms: one column per question key (numbers for likert, "
       "rating and number; the option key for single choice and quiz; keys joined by ';' for "
       "multiple choice; text as is; empty for no answer), optional _country, _sector, "
       "_gender, _role. One bad row imports nothing unless --skip-invalid.",
       {{"skip-invalid", Kind::kSwitch}},
       {"SURVEY_ID", "FILE.csv"},
       Import},
      {"survey",
       "code",
       "survey code SURVEY_ID --question KEY (--codebook CODEBOOK.json | --response "
       "RESPONSE_ID --codes CODE,CODE)",
       "Attaches theme codes to a free-text question's answers: every answer by a keyword "
       "codebook (the Codebook message in protobuf JSON: rules, each a code and the keywords "
       "that give it), or one answer by hand. Prints how many answers are coded.",
       {{"question"}, {"codebook"}, {"response"}, {"codes"}},
       {"SURVEY_ID"},
       Code},
      {"survey",
       "responses",
       "survey responses SURVEY_ID",
       "Lists every response; --output csv has one column per question key (as import reads "
       "them), the codes of free-text answers, the respondent's attributes, the quiz score "
       "and the pair key of a linked pre- or post-test.",
       {},
       {"SURVEY_ID"},
       Responses},
  };
}

}  // namespace convene::cli
