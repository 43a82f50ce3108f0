// End-to-end: `convene survey` against real registration and survey services
// on loopback, the way an evaluator runs the surveys of a workshop: an
// evaluation with every kind of question created from a definition file,
// opened, single-use tokens issued and answered, paper forms imported, free
// text coded, and a linked pre-/post-test pair answered with one token each.
// Responses are read back through `survey responses --output csv|json`, the
// service's stream, and compared with what the test sent.

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "convene/survey/v1/survey_service.pb.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"
#include "services/common/csv.h"
#include "services/common/testing/process.h"

namespace convene {
namespace {

using ::convene::testing::BinaryPath;
using ::convene::testing::CommandResult;
using ::convene::testing::MakeTempDir;
using ::convene::testing::RunCommand;
using ::convene::testing::ServiceProcess;
using ::testing::AllOf;
using ::testing::ContainsRegex;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::MatchesRegex;
using ::testing::Not;
using ::testing::SizeIs;

constexpr int kOk = 0;
constexpr int kFailure = 1;
constexpr int kUsage = 2;

// An evaluation with one question of every kind, as the issue's example
// writes it (short kind name, camelCase fields).
constexpr char kEvaluation[] = R"json({
  "title": "Workshop evaluation",
  "kind": "EVALUATION",
  "anonymous": true,
  "questions": [
    {"key": "overall", "text": "Overall satisfaction", "required": true,
     "likert": {"points": 5, "labels": ["Very dissatisfied", "Dissatisfied", "Neutral",
                                        "Satisfied", "Very satisfied"]}},
    {"key": "recommend", "text": "How likely are you to recommend it?",
     "rating": {"min": 0, "max": 10}},
    {"key": "format", "text": "Preferred format",
     "singleChoice": {"options": [{"key": "in_person", "label": "In person"},
                                  {"key": "online", "label": "Online"}]}},
    {"key": "topics", "text": "Most relevant topics",
     "multipleChoice": {"maxSelections": 2,
                        "options": [{"key": "whistleblowers", "label": "Whistle-blower protection"},
                                    {"key": "procurement", "label": "Procurement"},
                                    {"key": "judiciary", "label": "Judicial integrity"}]}},
    {"key": "hours", "text": "Hours per week on anti-corruption work",
     "number": {"min": 0, "max": 80, "hasMin": true, "hasMax": true}},
    {"key": "most_useful", "text": "What was the most useful aspect?",
     "freeText": {"maxLength": 2000}},
    {"key": "uncac_ch2", "text": "Which UNCAC chapter covers preventive measures?",
     "quiz": {"correct": "ii", "points": 1,
              "options": [{"key": "ii", "label": "Chapter II"}, {"key": "v", "label": "Chapter V"}]}}
  ]
})json";

// Two quiz items; the pre-test and the post-test ask the same.
std::string KnowledgeTest(const std::string& kind) {
  return absl::StrCat(R"json({"title": "UNCAC knowledge check", "kind": ")json", kind,
                      R"json(", "anonymous": true, "questions": [
    {"key": "ch2", "text": "Which UNCAC chapter covers preventive measures?", "required": true,
     "quiz": {"correct": "ii", "options": [{"key": "ii", "label": "Chapter II"},
                                           {"key": "v", "label": "Chapter V"}]}},
    {"key": "ch5", "text": "Which chapter covers asset recovery?", "required": true,
     "quiz": {"correct": "v", "points": 2, "options": [{"key": "iii", "label": "Chapter III"},
                                                       {"key": "v", "label": "Chapter V"}]}}]})json");
}

constexpr int kParticipants = 6;

// The lines of `text`, without their ends ("\n", or "\r\n" in CSV).
std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines = absl::StrSplit(text, '\n', absl::SkipEmpty());
  for (std::string& line : lines) line = std::string(absl::StripSuffix(line, "\r"));
  return lines;
}

// CSV output as rows of named cells, read with the project's RFC 4180 reader.
std::vector<std::map<std::string, std::string>> CsvRows(const std::string& text) {
  absl::StatusOr<std::vector<CsvRecord>> records = ParseCsv(text);
  EXPECT_TRUE(records.ok()) << records.status() << "\n" << text;
  std::vector<std::map<std::string, std::string>> rows;
  if (!records.ok() || records->empty()) return rows;
  const std::vector<std::string>& header = records->front().cells;
  for (size_t r = 1; r < records->size(); ++r) {
    std::map<std::string, std::string> row;
    for (size_t c = 0; c < header.size() && c < (*records)[r].cells.size(); ++c) {
      row[header[c]] = (*records)[r].cells[c];
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

class SurveyCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!std::filesystem::exists(BinaryPath("convene-survey"))) {
      GTEST_SKIP() << "convene-survey is not built";
    }
    dir_ = MakeTempDir("survey-cli");
    auto registration = ServiceProcess::Start("convene-registration", dir_ + "/registration");
    ASSERT_TRUE(registration.ok()) << registration.status();
    registration_ = std::make_unique<ServiceProcess>(*std::move(registration));
    auto survey = ServiceProcess::Start("convene-survey", dir_ + "/survey",
                                        {"--registration_addr=" + registration_->address()});
    ASSERT_TRUE(survey.ok()) << survey.status();
    survey_ = std::make_unique<ServiceProcess>(*std::move(survey));
    ASSERT_NO_FATAL_FAILURE(CreateWorkshop());
  }

  std::vector<std::string> Env() const {
    return {"CONVENE_REGISTRATION_ADDR=" + registration_->address(),
            "CONVENE_SURVEY_ADDR=" + survey_->address()};
  }

  CommandResult Convene(std::vector<std::string> args, const std::string& input = "") {
    args.insert(args.begin(), BinaryPath("convene"));
    return RunCommand(args, Env(), input);
  }

  // The output of a command that must succeed, without its last newline.
  std::string Ok(std::vector<std::string> args) {
    CommandResult r = Convene(args);
    EXPECT_EQ(r.exit_code, kOk) << absl::StrJoin(args, " ") << "\n" << r.err;
    return std::string(absl::StripSuffix(r.out, "\n"));
  }

  std::string WriteFile(const std::string& name, const std::string& content) {
    const std::string path = absl::StrCat(dir_, "/", name);
    std::ofstream(path, std::ios::binary) << content;
    return path;
  }

  // Six confirmed participants from three countries.
  void CreateWorkshop() {
    event_ =
        Ok({"event", "create", "--title", "Regional dialogue on corruption and human rights",
            "--timezone", "Asia/Kuala_Lumpur", "--start", "2024-10-01", "--end", "2024-10-02"});
    ASSERT_THAT(event_, MatchesRegex("evt_[a-z0-9]+"));
    const std::string csv =
        WriteFile("participants.csv",
                  "name,email,country,organization,sector,gender,role\n"
                  "Siti Rohani,siti@example.my,MY,SUHAKAM,government,female,\n"
                  "Lim Wei,lim@example.my,MY,Youth Against Corruption,CSO,male,\n"
                  "Budi Santoso,budi@example.id,ID,KPK,government,male,\n"
                  "Rina Wulandari,rina@example.id,ID,ICW,CSO,female,\n"
                  "Nguyễn Thị Hoa,hoa@example.vn,Viet Nam,GI,government,female,\n"
                  "Đỗ Thị Mai,mai@example.vn,VN,Towards Transparency,CSO,female,\n");
    EXPECT_EQ(Ok({"participant", "import", "--event", event_, csv}),
              "imported 6 participants: 6 confirmed, 0 waitlisted");
  }

  // `survey create` from `definition`; the new survey's id.
  std::string Create(const std::string& definition, std::vector<std::string> extra = {}) {
    const std::string path = WriteFile(absl::StrCat("definition", ++files_, ".json"), definition);
    std::vector<std::string> args = {"survey", "create", "--event", event_, "--file", path};
    args.insert(args.end(), extra.begin(), extra.end());
    const std::string id = Ok(args);
    EXPECT_THAT(id, MatchesRegex("srv_[a-z0-9]+"));
    return id;
  }

  // `survey tokens --output csv`: token by participant email, read from the
  // file as an organiser's mail merge would.
  std::map<std::string, std::string> Tokens(const std::string& survey) {
    CommandResult r = Convene({"survey", "tokens", survey, "--output", "csv"});
    EXPECT_EQ(r.exit_code, kOk) << r.err;
    EXPECT_EQ(Lines(r.out).at(0), "participant_id,name,email,token");
    std::map<std::string, std::string> tokens;
    for (const auto& row : CsvRows(r.out)) {
      EXPECT_THAT(row.at("participant_id"), MatchesRegex("par_[a-z0-9]+"));
      tokens[row.at("email")] = row.at("token");
    }
    return tokens;
  }

  CommandResult Respond(const std::string& survey, const std::string& token,
                        const std::string& answers_json) {
    const std::string path = WriteFile(absl::StrCat("answers", ++files_, ".json"), answers_json);
    return Convene({"survey", "respond", survey, "--token", token, "--answers", path});
  }

  // `survey responses --output csv` as rows of named cells.
  std::vector<std::map<std::string, std::string>> Responses(const std::string& survey) {
    CommandResult r = Convene({"survey", "responses", survey, "--output", "csv"});
    EXPECT_EQ(r.exit_code, kOk) << r.err;
    return CsvRows(r.out);
  }

  // The response count `survey show` reports.
  int ResponseCount(const std::string& survey) {
    CommandResult r = Convene({"survey", "show", survey, "--output", "json"});
    EXPECT_EQ(r.exit_code, kOk) << r.err;
    survey::v1::GetSurveyResponse response;
    EXPECT_TRUE(google::protobuf::util::JsonStringToMessage(r.out, &response).ok()) << r.out;
    return response.response_count();
  }

  std::string dir_;
  int files_ = 0;
  std::unique_ptr<ServiceProcess> registration_;
  std::unique_ptr<ServiceProcess> survey_;
  std::string event_;
};

TEST_F(SurveyCliTest, EvaluationIsCreatedOpenedAnsweredOncePerToken) {
  const std::string evaluation = Create(kEvaluation);

  // Shown as defined: every question with its key, kind and choices.
  const std::string shown = Ok({"survey", "show", evaluation});
  EXPECT_THAT(
      shown,
      AllOf(ContainsRegex("title +Workshop evaluation\n"), ContainsRegex("kind +evaluation\n"),
            ContainsRegex("state +draft\n"), ContainsRegex("anonymous +yes\n"),
            ContainsRegex("responses +0\n"), HasSubstr("overall  (likert 1-5, required)"),
            HasSubstr("recommend  (rating 0-10)"), HasSubstr("in_person  In person"),
            HasSubstr("topics  (multiple choice, up to 2)"), HasSubstr("hours  (number 0-80)"),
            HasSubstr("most_useful  (free text, up to 2000 characters)"),
            HasSubstr("uncac_ch2  (quiz, 1 point, correct: ii)"), HasSubstr("5  Very satisfied")));
  for (const std::string& line : Lines(shown)) EXPECT_LE(line.size(), 80u) << line;

  // A draft takes no answers, and nothing before the tokens exist.
  EXPECT_THAT(Ok({"survey", "list", "--event", event_}),
              AllOf(HasSubstr(evaluation), HasSubstr("draft")));
  EXPECT_EQ(Ok({"survey", "open", evaluation}), absl::StrCat("opened ", evaluation));
  EXPECT_THAT(Ok({"survey", "show", evaluation}), ContainsRegex("state +open\n"));

  // One token per participant, shown once, with a warning to keep them.
  CommandResult issued = Convene({"survey", "tokens", evaluation, "--output", "csv"});
  ASSERT_EQ(issued.exit_code, kOk) << issued.err;
  const auto rows = CsvRows(issued.out);
  ASSERT_THAT(rows, SizeIs(kParticipants));
  std::map<std::string, std::string> tokens;
  for (const auto& row : rows) tokens[row.at("email")] = row.at("token");
  ASSERT_THAT(tokens, SizeIs(kParticipants));
  EXPECT_THAT(issued.err, HasSubstr("6 tokens issued; they are shown only now"));
  EXPECT_THAT(rows[0].at("name"), Not(HasSubstr("@")));
  // Asked again: nobody new, and the secrets are not shown again.
  CommandResult again = Convene({"survey", "tokens", evaluation});
  ASSERT_EQ(again.exit_code, kOk) << again.err;
  EXPECT_EQ(again.out,
            "no new tokens: every eligible participant already has one (6 issued in all)\n");
  for (const auto& [email, token] : tokens) EXPECT_THAT(again.out, Not(HasSubstr(token)));

  // An answer to every kind of question.
  CommandResult first = Respond(evaluation, tokens.at("siti@example.my"),
                                R"({"overall": 4, "recommend": 9, "format": "online",
                                    "topics": ["procurement", "judiciary"], "hours": 12.5,
                                    "most_useful": "Peers' experience sharing across countries",
                                    "uncac_ch2": "ii"})");
  ASSERT_EQ(first.exit_code, kOk) << first.err;
  EXPECT_THAT(first.out, MatchesRegex("recorded rsp_[a-z0-9]+: score 1 of 1\n"));

  // The same token again: refused, and nothing more is stored.
  CommandResult second = Respond(evaluation, tokens.at("siti@example.my"), R"({"overall": 2})");
  EXPECT_EQ(second.exit_code, kFailure) << second.out;
  EXPECT_THAT(second.err, AllOf(MatchesRegex("error: [^\n]+\n"), HasSubstr("already")));

  // A token that was never issued.
  CommandResult forged = Respond(evaluation, "abcdefghijklmnopqrstuvwxyz", R"({"overall": 3})");
  EXPECT_EQ(forged.exit_code, kFailure);
  EXPECT_THAT(forged.err, HasSubstr("token: not valid for survey"));

  // Mistakes in the answers file are named by key and send nothing: the token
  // still works afterwards.
  const std::string budi = tokens.at("budi@example.id");
  CommandResult wrong_type = Respond(evaluation, budi, R"({"overall": "four"})");
  EXPECT_EQ(wrong_type.exit_code, kFailure);
  EXPECT_THAT(wrong_type.err, AllOf(MatchesRegex("error: overall: [^\n]+\n"),
                                    HasSubstr("whole number from 1 to 5"), HasSubstr("\"four\"")));
  CommandResult not_a_list = Respond(evaluation, budi, R"({"overall": 3, "topics": "judiciary"})");
  EXPECT_EQ(not_a_list.exit_code, kFailure);
  EXPECT_THAT(not_a_list.err, MatchesRegex("error: topics: [^\n]+list of option keys[^\n]+\n"));
  CommandResult unknown = Respond(evaluation, budi, R"({"overall": 3, "venue": 5})");
  EXPECT_EQ(unknown.exit_code, kFailure);
  EXPECT_THAT(unknown.err, MatchesRegex("error: venue: no such question[^\n]+\n"));
  CommandResult out_of_range = Respond(evaluation, budi, R"({"overall": 6})");
  EXPECT_EQ(out_of_range.exit_code, kFailure);
  EXPECT_THAT(out_of_range.err, HasSubstr("overall: 6 is outside 1..5"));
  CommandResult missing = Respond(evaluation, budi, R"({"recommend": 7})");
  EXPECT_EQ(missing.exit_code, kFailure);
  EXPECT_THAT(missing.err, HasSubstr("overall"));
  CommandResult malformed = Respond(evaluation, budi, R"({"overall": 4,)");
  EXPECT_EQ(malformed.exit_code, kFailure);
  EXPECT_THAT(malformed.err, HasSubstr("is not a JSON object"));
  EXPECT_EQ(ResponseCount(evaluation), 1);

  // The answers may come from standard input; null and [] are no answer.
  CommandResult piped =
      Convene({"survey", "respond", evaluation, "--token", budi, "--answers", "-"},
              R"({"overall": 2, "recommend": null, "topics": [], "format": "in_person"})");
  ASSERT_EQ(piped.exit_code, kOk) << piped.err;
  EXPECT_THAT(piped.out, MatchesRegex("recorded rsp_[a-z0-9]+: score 0 of 1\n"));

  // Without --answers and without a terminal there is nobody to ask.
  CommandResult no_answers =
      Convene({"survey", "respond", evaluation, "--token", tokens.at("lim@example.my")});
  EXPECT_EQ(no_answers.exit_code, kUsage);
  EXPECT_THAT(no_answers.err, HasSubstr("--answers is required"));

  // What was stored, read back through the stream: the values sent, the
  // respondent's coarse attributes, no participant id (anonymous).
  const auto responses = Responses(evaluation);
  ASSERT_THAT(responses, SizeIs(2));
  EXPECT_EQ(responses[0].at("overall"), "4");
  EXPECT_EQ(responses[0].at("recommend"), "9");
  EXPECT_EQ(responses[0].at("format"), "online");
  EXPECT_EQ(responses[0].at("topics"), "procurement;judiciary");
  EXPECT_EQ(responses[0].at("hours"), "12.5");
  EXPECT_EQ(responses[0].at("most_useful"), "Peers' experience sharing across countries");
  EXPECT_EQ(responses[0].at("uncac_ch2"), "ii");
  EXPECT_EQ(responses[0].at("score"), "1");
  EXPECT_EQ(responses[0].at("_country"), "MY");
  EXPECT_EQ(responses[0].at("_gender"), "female");
  EXPECT_EQ(responses[1].at("overall"), "2");
  EXPECT_EQ(responses[1].at("recommend"), "");
  EXPECT_EQ(responses[1].at("topics"), "");
  EXPECT_EQ(responses[1].at("_country"), "ID");
  CommandResult json = Convene({"survey", "responses", evaluation, "--output", "json"});
  ASSERT_EQ(json.exit_code, kOk) << json.err;
  EXPECT_THAT(json.out, AllOf(HasSubstr("\"participantId\": \"\""), Not(HasSubstr("par_"))));

  EXPECT_THAT(Ok({"survey", "show", evaluation}),
              AllOf(ContainsRegex("responses +2\n"), ContainsRegex("tokens issued +6\n")));

  // Closed: no more answers.
  EXPECT_EQ(Ok({"survey", "close", evaluation}), absl::StrCat("closed ", evaluation));
  CommandResult late = Respond(evaluation, tokens.at("rina@example.id"), R"({"overall": 5})");
  EXPECT_EQ(late.exit_code, kFailure);
  EXPECT_THAT(late.err, HasSubstr("closed"));
}

TEST_F(SurveyCliTest, MalformedDefinitionIsNamedAndNothingIsCreated) {
  const std::string path = WriteFile("bad.json", R"({"title": "Evaluation", "questions": [
    {"key": "overall", "text": "Overall", "likert": {"points": 4}}]})");
  CommandResult r = Convene({"survey", "create", "--event", event_, "--file", path});
  EXPECT_EQ(r.exit_code, kFailure) << r.out;
  EXPECT_THAT(r.err, AllOf(MatchesRegex("error: [^\n]+\n"), HasSubstr(path), HasSubstr("overall"),
                           HasSubstr("points")));

  const std::string unknown_field = WriteFile("typo.json", R"({"title": "E", "questionz": []})");
  CommandResult typo = Convene({"survey", "create", "--event", event_, "--file", unknown_field});
  EXPECT_EQ(typo.exit_code, kFailure);
  EXPECT_THAT(typo.err, HasSubstr("questionz"));

  CommandResult missing = Convene({"survey", "create", "--event", event_, "--file", dir_ + "/no"});
  EXPECT_EQ(missing.exit_code, kFailure);
  EXPECT_THAT(missing.err, HasSubstr("cannot read"));

  CommandResult no_event = Convene({"survey", "create", "--file", path});
  EXPECT_EQ(no_event.exit_code, kUsage);
  EXPECT_THAT(no_event.err, HasSubstr("--event is required"));

  EXPECT_EQ(Ok({"survey", "list", "--event", event_}),
            absl::StrCat("no surveys yet; create one with: convene survey create --event ", event_,
                         " --file FILE.json"));
}

TEST_F(SurveyCliTest, DraftRefusesAnswersAndCopyMakesANewDraft) {
  const std::string evaluation = Create(kEvaluation);
  const auto tokens = Tokens(evaluation);
  ASSERT_THAT(tokens, SizeIs(kParticipants));
  CommandResult r = Respond(evaluation, tokens.begin()->second, R"({"overall": 4})");
  EXPECT_EQ(r.exit_code, kFailure);
  EXPECT_THAT(r.err, HasSubstr("draft"));

  const std::string copy = Ok({"survey", "copy", evaluation});
  EXPECT_THAT(copy, MatchesRegex("srv_[a-z0-9]+"));
  EXPECT_NE(copy, evaluation);
  const std::string shown = Ok({"survey", "show", copy});
  EXPECT_THAT(shown, AllOf(ContainsRegex("state +draft\n"), HasSubstr("uncac_ch2"),
                           ContainsRegex("tokens issued +0\n")));
  const auto listed = CsvRows(Ok({"survey", "list", "--event", event_, "--output", "csv"}));
  ASSERT_THAT(listed, SizeIs(2));
  for (const auto& row : listed) {
    EXPECT_EQ(row.at("questions"), "7");
    EXPECT_EQ(row.at("kind"), "evaluation");
  }
}

TEST_F(SurveyCliTest, ImportIsAllOrNothingUnlessSkipInvalid) {
  const std::string evaluation = Create(kEvaluation);
  Ok({"survey", "open", evaluation});
  // Line 3 answers 9 on a 1-5 scale; line 5 names an option that does not exist.
  const std::string csv = WriteFile(
      "responses.csv",
      "overall,recommend,format,topics,hours,most_useful,uncac_ch2,_country,_sector\n"
      "5,10,in_person,whistleblowers;procurement,20,\"Country roundtables, very practical\",ii,"
      "MY,government\n"
      "9,8,online,,10,,v,ID,civil-society\n"
      "3,,online,judiciary,,Collaboration with peers,ii,Lao PDR,CSO\n"
      "4,7,by_pigeon,,,,,VN,\n");
  CommandResult bad = Convene({"survey", "import", evaluation, csv});
  EXPECT_EQ(bad.exit_code, kFailure) << bad.out;
  EXPECT_THAT(bad.err, AllOf(HasSubstr("line 3: overall:"), HasSubstr("line 5: format:"),
                             HasSubstr("nothing imported: 2 of 4 rows are invalid")));
  EXPECT_EQ(bad.out, "");
  EXPECT_EQ(ResponseCount(evaluation), 0);

  CommandResult skipped = Convene({"survey", "import", evaluation, csv, "--skip-invalid"});
  ASSERT_EQ(skipped.exit_code, kOk) << skipped.err;
  EXPECT_EQ(skipped.out, "imported 2 responses; skipped 2 invalid rows\n");
  EXPECT_THAT(skipped.err, HasSubstr("line 3: overall:"));
  EXPECT_EQ(ResponseCount(evaluation), 2);
  const auto responses = Responses(evaluation);
  ASSERT_THAT(responses, SizeIs(2));
  EXPECT_EQ(responses[0].at("most_useful"), "Country roundtables, very practical");
  EXPECT_EQ(responses[0].at("topics"), "whistleblowers;procurement");
  EXPECT_EQ(responses[1].at("_country"), "LA");
  EXPECT_EQ(responses[1].at("_sector"), "civil-society");

  // A column that is no question names it.
  const std::string typo = WriteFile("typo.csv", "overal\n4\n");
  CommandResult column = Convene({"survey", "import", evaluation, typo});
  EXPECT_EQ(column.exit_code, kFailure);
  EXPECT_THAT(column.err, HasSubstr("overal"));
}

TEST_F(SurveyCliTest, CodebookCodesFreeTextAndOneAnswerCanBeCorrected) {
  const std::string evaluation = Create(kEvaluation);
  Ok({"survey", "open", evaluation});
  const std::string csv =
      WriteFile("responses.csv",
                "overall,most_useful\n"
                "5,Peer experience sharing on whistle-blower laws\n"
                "4,The country roundtable and sharing with peers\n"
                "4,Collaboration between NHRIs and anti-corruption commissions\n"
                "3,The coffee\n"
                "4,\n");
  ASSERT_EQ(Ok({"survey", "import", evaluation, csv}), "imported 5 responses");
  const std::string codebook = WriteFile("codebook.json", R"({"rules": [
    {"code": "peer experience sharing", "keywords": ["peer", "peers"]},
    {"code": "country discussions", "keywords": ["country roundtable"]},
    {"code": "collaboration", "keywords": ["collaboration", "cooperation"]}]})");
  EXPECT_EQ(Ok({"survey", "code", evaluation, "--question", "most_useful", "--codebook", codebook}),
            "most_useful: 3 answers coded, 1 with text but no code");
  auto responses = Responses(evaluation);
  ASSERT_THAT(responses, SizeIs(5));
  EXPECT_EQ(responses[0].at("most_useful:codes"), "peer experience sharing");
  EXPECT_EQ(responses[1].at("most_useful:codes"), "peer experience sharing;country discussions");
  EXPECT_EQ(responses[2].at("most_useful:codes"), "collaboration");
  EXPECT_EQ(responses[3].at("most_useful:codes"), "");

  // The evaluator reads the fourth answer and codes it by hand.
  const std::string coffee = responses[3].at("response_id");
  ASSERT_THAT(coffee, MatchesRegex("rsp_[a-z0-9]+"));
  EXPECT_EQ(Ok({"survey", "code", evaluation, "--question", "most_useful", "--response", coffee,
                "--codes", "networking, logistics"}),
            "most_useful: 4 answers coded, 0 with text but no code");
  responses = Responses(evaluation);
  EXPECT_EQ(responses[3].at("most_useful:codes"), "networking;logistics");
  EXPECT_THAT(Ok({"survey", "responses", evaluation}),
              AllOf(HasSubstr("5 responses to"), HasSubstr("networking; logistics")));

  // Codebook and flag mistakes.
  const std::string empty = WriteFile("empty.json", R"({"rules": []})");
  CommandResult no_rules =
      Convene({"survey", "code", evaluation, "--question", "most_useful", "--codebook", empty});
  EXPECT_EQ(no_rules.exit_code, kFailure);
  EXPECT_THAT(no_rules.err, AllOf(HasSubstr(empty), HasSubstr("rules")));
  CommandResult not_text =
      Convene({"survey", "code", evaluation, "--question", "overall", "--codebook", codebook});
  EXPECT_EQ(not_text.exit_code, kFailure);
  EXPECT_THAT(not_text.err, HasSubstr("overall"));
  CommandResult neither = Convene({"survey", "code", evaluation, "--question", "most_useful"});
  EXPECT_EQ(neither.exit_code, kUsage);
  EXPECT_THAT(neither.err, AllOf(HasSubstr("--codebook"), HasSubstr("--response")));
}

TEST_F(SurveyCliTest, LinkedPreAndPostTestsShareOneTokenAndPairByPseudonym) {
  const std::string pre = Create(KnowledgeTest("PRE_TEST"));
  const std::string post = Create(KnowledgeTest("POST_TEST"), {"--link", pre});
  EXPECT_THAT(Ok({"survey", "show", post}),
              AllOf(ContainsRegex("kind +post-test\n"),
                    ContainsRegex(absl::StrCat("linked survey +", pre, "\n"))));
  EXPECT_THAT(Ok({"survey", "show", pre}),
              AllOf(ContainsRegex("kind +pre-test\n"),
                    ContainsRegex(absl::StrCat("linked survey +", post, "\n"))));
  Ok({"survey", "open", pre});
  Ok({"survey", "open", post});

  // Tokens from the pre-test serve the post-test too: it has nobody new.
  const auto tokens = Tokens(pre);
  ASSERT_THAT(tokens, SizeIs(kParticipants));
  EXPECT_THAT(Ok({"survey", "tokens", post}), HasSubstr("no new tokens"));

  const std::string hoa = tokens.at("hoa@example.vn"), lim = tokens.at("lim@example.my");
  CommandResult hoa_pre = Respond(pre, hoa, R"({"ch2": "v", "ch5": "iii"})");
  ASSERT_EQ(hoa_pre.exit_code, kOk) << hoa_pre.err;
  EXPECT_THAT(hoa_pre.out, HasSubstr("score 0 of 3"));
  CommandResult lim_pre = Respond(pre, lim, R"({"ch2": "ii", "ch5": "iii"})");
  ASSERT_EQ(lim_pre.exit_code, kOk) << lim_pre.err;
  EXPECT_THAT(lim_pre.out, HasSubstr("score 1 of 3"));
  CommandResult hoa_post = Respond(post, hoa, R"({"ch2": "ii", "ch5": "v"})");
  ASSERT_EQ(hoa_post.exit_code, kOk) << hoa_post.err;
  EXPECT_THAT(hoa_post.out, HasSubstr("score 3 of 3"));
  CommandResult lim_post = Respond(post, lim, R"({"ch2": "ii", "ch5": "v"})");
  ASSERT_EQ(lim_post.exit_code, kOk) << lim_post.err;

  // Once in each test, not twice in one.
  CommandResult twice = Respond(post, hoa, R"({"ch2": "ii", "ch5": "v"})");
  EXPECT_EQ(twice.exit_code, kFailure);
  EXPECT_THAT(twice.err, HasSubstr("already"));

  // Each person's two responses carry the same pair key, and different people
  // different keys.
  const auto pre_rows = Responses(pre), post_rows = Responses(post);
  ASSERT_THAT(pre_rows, SizeIs(2));
  ASSERT_THAT(post_rows, SizeIs(2));
  EXPECT_EQ(pre_rows[0].at("score"), "0");
  EXPECT_EQ(post_rows[0].at("score"), "3");
  EXPECT_FALSE(pre_rows[0].at("pair_key").empty());
  EXPECT_EQ(pre_rows[0].at("pair_key"), post_rows[0].at("pair_key"));
  EXPECT_EQ(pre_rows[1].at("pair_key"), post_rows[1].at("pair_key"));
  EXPECT_NE(pre_rows[0].at("pair_key"), pre_rows[1].at("pair_key"));
  // Nothing in them names the person.
  for (const auto& rows : {pre_rows, post_rows}) {
    for (const auto& row : rows) {
      for (const auto& [column, cell] : row) {
        EXPECT_THAT(cell, AllOf(Not(HasSubstr("par_")), Not(HasSubstr("Hoa")), Not(HasSubstr(hoa)),
                                Not(HasSubstr(lim))))
            << column;
      }
    }
  }
}

// On a terminal `survey respond` asks question by question. The terminal is
// a pseudo-terminal from util-linux's script(1), fed the typed lines.
TEST_F(SurveyCliTest, OnATerminalRespondAsksQuestionByQuestion) {
  if (!std::filesystem::exists("/usr/bin/script")) GTEST_SKIP() << "script(1) is not installed";
  const std::string evaluation = Create(kEvaluation);
  Ok({"survey", "open", evaluation});
  const auto tokens = Tokens(evaluation);
  std::string command = BinaryPath("convene");
  for (const std::string& arg : {std::string("survey"), std::string("respond"), evaluation,
                                 std::string("--token"), tokens.at("rina@example.id")}) {
    absl::StrAppend(&command, " '", arg, "'");
  }
  // overall: empty (required, asked again), then 7 (out of range), then 4;
  // recommend skipped; format by number; topics by key and number, one too
  // many first; hours; most_useful; the quiz by key.
  const std::string typed =
      "\n7\n4\n\n2\nwhistleblowers,2,3\nwhistleblowers 2\nabc\n15\nThe regional group work\nii\n";
  std::vector<std::string> env = Env();
  CommandResult r = RunCommand({"/usr/bin/script", "-qec", command, "/dev/null"}, env, typed);
  ASSERT_EQ(r.exit_code, kOk) << r.out << r.err;
  EXPECT_THAT(r.out,
              AllOf(HasSubstr("Overall satisfaction"), HasSubstr("Very satisfied"),
                    HasSubstr("an answer is required"), HasSubstr("7 is outside 1..5"),
                    HasSubstr("3 selections, at most 2"), HasSubstr("\"abc\" is not a number"),
                    ContainsRegex("recorded rsp_[a-z0-9]+: score 1 of 1")));
  const auto responses = Responses(evaluation);
  ASSERT_THAT(responses, SizeIs(1));
  EXPECT_EQ(responses[0].at("overall"), "4");
  EXPECT_EQ(responses[0].at("recommend"), "");
  EXPECT_EQ(responses[0].at("format"), "online");
  EXPECT_EQ(responses[0].at("topics"), "whistleblowers;procurement");
  EXPECT_EQ(responses[0].at("hours"), "15");
  EXPECT_EQ(responses[0].at("most_useful"), "The regional group work");
  EXPECT_EQ(responses[0].at("uncac_ch2"), "ii");
}

}  // namespace
}  // namespace convene
