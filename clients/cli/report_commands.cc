// convene report survey | participation | compare | prepost
//
// Thin like the other nouns: the aggregation service computes every figure (it reads the
// responses from the survey service and the people from registration); the render library
// (services/aggregation/render.h) writes the Markdown, CSV and HTML files; these commands ask,
// and lay the figures out as terminal tables for `--format table`.
//
// --format table|md|csv|json|html picks the output. The global --output still works for the
// formats it knows (--output json is --format json); given both, they must agree.

#include <cerrno>
#include <cstring>
#include <fstream>
#include <optional>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "clients/cli/command.h"
#include "clients/cli/service_client.h"
#include "convene/aggregation/v1/aggregation_service.grpc.pb.h"
#include "services/aggregation/render.h"
#include "services/common/status.h"

namespace convene::cli {
namespace {

namespace v1 = ::convene::aggregation::v1;
using ::convene::aggregation::FormatPercent;
using ::convene::aggregation::ReportFormat;
using ::convene::aggregation::TextTable;
using v1::AggregationService;

// --- Where the report goes ----------------------------------------------------------------------

enum class ReportOutput { kTable, kMarkdown, kCsv, kJson, kHtml };

absl::StatusOr<ReportOutput> ChosenOutput(const Invocation& in) {
  // What the global --output asks for; it cannot say md or html.
  ReportOutput global = ReportOutput::kTable;
  if (in.output == OutputFormat::kJson) global = ReportOutput::kJson;
  if (in.output == OutputFormat::kCsv) global = ReportOutput::kCsv;
  if (!in.args.Has("format")) return global;
  const std::string text = absl::AsciiStrToLower(in.args.Get("format"));
  ReportOutput chosen;
  if (text == "table") {
    chosen = ReportOutput::kTable;
  } else if (text == "md" || text == "markdown") {
    chosen = ReportOutput::kMarkdown;
  } else if (text == "csv") {
    chosen = ReportOutput::kCsv;
  } else if (text == "json") {
    chosen = ReportOutput::kJson;
  } else if (text == "html") {
    chosen = ReportOutput::kHtml;
  } else {
    return UsageError(absl::StrCat("--format must be table, md, csv, json or html, not \"",
                                   in.args.Get("format"), "\""));
  }
  if (global != ReportOutput::kTable && global != chosen) {
    return UsageError("--output and --format ask for different formats; give one of them");
  }
  return chosen;
}

// Prints `content`, or writes it to --out FILE and prints where, with `what` ("survey report,
// 9 questions").
absl::Status Deliver(const Invocation& in, const std::string& content, absl::string_view what) {
  const std::string path = in.args.Get("out");
  if (path.empty()) {
    *in.out << content;
    return absl::OkStatus();
  }
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  file << content;
  file.close();
  if (!file) {
    return absl::PermissionDeniedError(
        absl::StrCat("cannot write ", path, ": ", std::strerror(errno)));
  }
  *in.out << "wrote " << path << " (" << what << ")\n";
  return absl::OkStatus();
}

// Renders `response` as chosen; `table` lays it out for the terminal.
template <typename Response>
absl::Status Report(const Invocation& in, ReportOutput output, const Response& response,
                    std::string (*table)(const Response&), absl::string_view what) {
  std::string content;
  switch (output) {
    case ReportOutput::kTable:
      content = table(response);
      break;
    case ReportOutput::kJson:
      content = ToJson(response);
      break;
    case ReportOutput::kMarkdown:
      content = RenderReport(response, ReportFormat::kMarkdown);
      break;
    case ReportOutput::kCsv:
      content = RenderReport(response, ReportFormat::kCsv);
      break;
    case ReportOutput::kHtml:
      content = RenderReport(response, ReportFormat::kHtml);
      break;
  }
  return Deliver(in, content, what);
}

// Runs one AggregationService RPC against the service at $CONVENE_AGGREGATION_ADDR.
template <typename Request, typename Response, typename Rpc>
absl::Status CallAggregation(const Invocation& in, const Request& request, Response* response,
                             Rpc rpc) {
  ServiceClient client("aggregation", in.timeout);
  auto stub = AggregationService::NewStub(client.channel());
  return client.Call(
      [&](grpc::ClientContext* context) { return ((*stub).*rpc)(context, request, response); });
}

// --- Terminal layout ----------------------------------------------------------------------------

constexpr int kIndent = 2;

// People's text as one terminal line: line breaks, tabs and other control characters (an escape
// sequence in a free-text answer could move the cursor or recolour the terminal) become spaces.
std::string Clean(absl::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    const unsigned char c = text[i];
    if (c < 0x20 || c == 0x7F) {
      out.push_back(' ');
    } else if (c == 0xC2 && i + 1 < text.size() &&
               static_cast<unsigned char>(text[i + 1]) >= 0x80 &&
               static_cast<unsigned char>(text[i + 1]) <= 0x9F) {
      out.push_back(' ');  // a C1 control character
      ++i;
    } else {
      out.push_back(static_cast<char>(c));
    }
  }
  return out;
}

// `text` wrapped at the terminal's width, every line indented by `indent` (the first by `first`).
std::string Wrap(absl::string_view text, int first, int indent) {
  const int width = std::max(OutputWidth(), indent + 30);
  std::string out(first, ' ');
  int column = first;
  bool empty = true;
  for (absl::string_view word : absl::StrSplit(Clean(text), ' ', absl::SkipEmpty())) {
    const int w = DisplayWidth(word);
    if (!empty && column + 1 + w > width) {
      absl::StrAppend(&out, "\n", std::string(indent, ' '));
      column = indent;
      empty = true;
    }
    if (!empty) {
      out.push_back(' ');
      ++column;
    }
    absl::StrAppend(&out, word);
    column += w;
    empty = false;
  }
  return absl::StrCat(out, "\n");
}

// A table indented by kIndent, fitting the terminal; `cut` are the columns that may be narrowed,
// `drop` those left out (first) while it is too wide.
std::string Indented(TextTable text, std::vector<size_t> cut = {0}, std::vector<size_t> drop = {}) {
  Table table;
  table.header = std::move(text.header);
  for (auto& row : text.rows) {
    for (std::string& cell : row) cell = Clean(cell);
    table.rows.push_back(std::move(row));
  }
  table.cut_order = std::move(cut);
  table.drop_order = std::move(drop);
  const std::string indent(kIndent, ' ');
  std::string out;
  for (absl::string_view line :
       absl::StrSplit(RenderTable(table, OutputWidth() - kIndent), '\n', absl::SkipEmpty())) {
    absl::StrAppend(&out, indent, line, "\n");
  }
  return out;
}

// A bar of up to `width` block characters for `percent` of `largest`.
std::string Bar(std::optional<double> percent, double largest, int width = 20) {
  if (!percent || largest <= 0) return "";
  const int n = static_cast<int>(*percent / largest * width + 0.5);
  std::string bar;
  for (int i = 0; i < n; ++i) bar += "█";
  return bar;
}

// "mean 4.24 · sd 0.82 · ..." wrapped under a question.
std::string FiguresLine(const std::vector<aggregation::Figure>& figures) {
  std::vector<std::string> parts;
  for (const aggregation::Figure& figure : figures) {
    parts.push_back(absl::StrCat(figure.label, " ", figure.value));
  }
  return Wrap(absl::StrJoin(parts, " · "), kIndent, kIndent);
}

std::string SharesTable(const v1::QuestionSummary& question) {
  const std::vector<aggregation::Share> shares = aggregation::QuestionShares(question);
  if (shares.empty()) return "";
  double largest = 0;
  for (const auto& share : shares) largest = std::max(largest, share.percent.value_or(0));
  std::string first = "answer";
  if (question.has_choice() || question.has_quiz()) first = "option";
  if (question.has_free_text()) first = "theme";
  TextTable table{{first, "count", "%", ""}, {}};
  for (const auto& share : shares) {
    table.rows.push_back({share.highlighted ? absl::StrCat(share.label, " (correct)") : share.label,
                          absl::StrCat(share.count), FormatPercent(share.percent),
                          Bar(share.percent, largest)});
  }
  return Indented(std::move(table), {0, 3});
}

std::string SurveyTable(const v1::SummarizeSurveyResponse& r) {
  std::string out = Wrap(r.title().empty() ? r.survey_id() : r.title(), 0, 0);
  std::vector<std::string> about = {absl::StrCat("survey ", r.survey_id())};
  if (!r.event_id().empty()) about.push_back(absl::StrCat("event ", r.event_id()));
  if (r.anonymous()) about.push_back("anonymous");
  absl::StrAppend(&out, absl::StrJoin(about, " · "), "\n",
                  Wrap(aggregation::ResponseLine(r), 0, 0));
  if (!r.highlights().empty()) {
    out += "\nHighlights\n";
    for (const std::string& sentence : r.highlights()) {
      absl::StrAppend(&out, Wrap(absl::StrCat("• ", sentence), kIndent, kIndent + 2));
    }
  }
  for (int i = 0; i < r.questions_size(); ++i) {
    const v1::QuestionSummary& q = r.questions(i);
    absl::StrAppend(
        &out, "\n", Wrap(absl::StrCat("Q", i + 1, ". ", q.text()), 0, 4),
        Wrap(absl::StrCat(q.kind(), ", key ", q.key(), ", ", aggregation::SharesDenominator(q)),
             kIndent, kIndent),
        FiguresLine(aggregation::QuestionFigures(q)), SharesTable(q));
    if (q.has_free_text() && q.free_text().uncoded_answers_size() > 0) {
      absl::StrAppend(&out, "  answers without a theme:\n");
      for (const std::string& answer : q.free_text().uncoded_answers()) {
        absl::StrAppend(&out, Wrap(absl::StrCat("“", answer, "”"), 4, 5));
      }
    }
  }
  if (r.has_score() && r.max_score() > 0) {
    absl::StrAppend(&out, "\nQuiz score (out of ", r.max_score(), ")\n",
                    FiguresLine(aggregation::ScoreFigures(r.score(), r.max_score())));
  }
  if (!r.by().empty()) {
    absl::StrAppend(&out, "\nBreakdown by ", absl::StrJoin(r.by(), " and "), "\n");
    if (r.anonymous()) {
      absl::StrAppend(&out, Wrap(absl::StrCat("Cells with fewer than ", r.min_cell_size(),
                                              " respondents, and cells that would let one be "
                                              "recomputed, are suppressed."),
                                 kIndent, kIndent));
    }
    const size_t dimensions = r.by_size();
    for (int i = 0; i < r.questions_size(); ++i) {
      TextTable table = aggregation::BreakdownTable(r, i, /*option_keys=*/true);
      if (table.rows.empty()) continue;
      // The last dimension's values (sectors) are the longest; the figures are never cut.
      std::vector<size_t> cut;
      for (size_t c = dimensions; c-- > 0;) cut.push_back(c);
      absl::StrAppend(&out, "\n", Wrap(absl::StrCat("Q", i + 1, ". ", r.questions(i).text()), 0, 4),
                      Indented(std::move(table), cut));
    }
    if (r.has_score() && r.max_score() > 0) {
      absl::StrAppend(&out, "\nQuiz score\n", Indented(aggregation::ScoreBreakdownTable(r)));
    }
  }
  return out;
}

std::string PrePostTable(const v1::ComparePrePostResponse& r) {
  std::string out =
      absl::StrCat("Pre-test ", r.pre_survey_id(), ", post-test ", r.post_survey_id(), "\n");
  std::vector<std::pair<std::string, std::string>> fields;
  for (const aggregation::Figure& figure : aggregation::PrePostFigures(r)) {
    fields.push_back({figure.label, figure.value});
  }
  fields.insert(fields.begin() + 1,
                {"answered only one", absl::StrCat(r.unpaired_pre(), " the pre-test, ",
                                                   r.unpaired_post(), " the post-test")});
  out += RenderRecord(fields);
  if (!r.highlights().empty()) {
    out += "\nHighlights\n";
    for (const std::string& sentence : r.highlights()) {
      absl::StrAppend(&out, Wrap(absl::StrCat("• ", sentence), kIndent, kIndent + 2));
    }
  }
  if (!r.items().empty()) {
    TextTable items{{"item", "% correct before", "after", "question"}, {}};
    for (const v1::PrePostItem& item : r.items()) {
      items.rows.push_back(
          {item.key(),
           FormatPercent(item.has_percent_correct_pre() ? std::optional(item.percent_correct_pre())
                                                        : std::nullopt),
           FormatPercent(item.has_percent_correct_post()
                             ? std::optional(item.percent_correct_post())
                             : std::nullopt),
           item.text()});
    }
    absl::StrAppend(&out, "\nQuiz items\n", Indented(std::move(items), {3, 0}));
  }
  return out;
}

std::string CountsTable(absl::string_view heading, absl::string_view column,
                        const google::protobuf::RepeatedPtrField<v1::AttributeCount>& counts) {
  if (counts.empty()) return "";
  double largest = 0;
  for (const v1::AttributeCount& c : counts) largest = std::max(largest, c.percent());
  TextTable table{{std::string(column), "count", "%", ""}, {}};
  for (const v1::AttributeCount& c : counts) {
    table.rows.push_back({c.value().empty() ? "(unknown)" : c.value(), absl::StrCat(c.count()),
                          FormatPercent(c.percent()), Bar(c.percent(), largest)});
  }
  return absl::StrCat("\n", heading, "\n", Indented(std::move(table), {0, 3}));
}

std::string ParticipationTable(const v1::SummarizeParticipationResponse& r) {
  std::string out = Wrap(r.title().empty() ? r.event_id() : r.title(), 0, 0);
  absl::StrAppend(&out, "event ", r.event_id(), " · ", r.registered(), " registered\n");
  for (const std::string& warning : r.warnings()) {
    absl::StrAppend(&out, Wrap(absl::StrCat("note: ", warning), 0, 6));
  }
  out += CountsTable("By status (of everyone registered)", "status", r.by_status());
  out += CountsTable("Confirmed participants by gender", "gender", r.by_gender());
  out += CountsTable("By sector", "sector", r.by_sector());
  out += CountsTable("By country", "country", r.by_country());
  out += CountsTable("By role", "role", r.by_role());
  if (!r.attendance().empty()) {
    TextTable table{{"day", "checked in", "by gender"}, {}};
    for (const v1::DayAttendance& day : r.attendance()) {
      std::vector<std::string> genders;
      for (const v1::AttributeCount& c : day.by_gender()) {
        genders.push_back(
            absl::StrCat(c.value().empty() ? "(unknown)" : c.value(), " ", c.count()));
      }
      table.rows.push_back(
          {day.day(), absl::StrCat(day.checked_in()), absl::StrJoin(genders, ", ")});
    }
    absl::StrAppend(&out, "\nAttendance\n", Indented(std::move(table), {2}));
  }
  absl::StrAppend(&out, "\n", r.speakers(), " chairs and speakers\n");
  out += CountsTable("Speakers by gender", "gender", r.speakers_by_gender());
  return out;
}

std::string CompareTable(const v1::CompareEventsResponse& r) {
  std::string out = absl::StrCat("Question ", r.question_key());
  for (const v1::EventQuestion& event : r.events()) {
    if (event.has_question()) {
      absl::StrAppend(&out, ": ", event.question().text());
      break;
    }
  }
  out = Wrap(out, 0, 2);
  // The survey ids are in the other formats; the terminal keeps the events readable.
  return absl::StrCat(
      out, Indented(aggregation::CompareEventsTable(r, /*option_keys=*/true), {0, 1}, {2}));
}

// --- Commands -----------------------------------------------------------------------------------

absl::Status Survey(const Invocation& in) {
  CONVENE_ASSIGN_OR_RETURN(ReportOutput output, ChosenOutput(in));
  v1::SummarizeSurveyRequest request;
  request.set_survey_id(in.args.positional()[0]);
  for (absl::string_view by : absl::StrSplit(in.args.Get("by"), ',', absl::SkipWhitespace())) {
    request.add_by(std::string(absl::StripAsciiWhitespace(by)));
  }
  CONVENE_ASSIGN_OR_RETURN(int min_cell, IntFlag(in.args, "min-cell", 0));
  request.set_min_cell_size(min_cell);
  v1::SummarizeSurveyResponse response;
  CONVENE_RETURN_IF_ERROR(
      CallAggregation(in, request, &response, &AggregationService::Stub::SummarizeSurvey));
  return Report(in, output, response, &SurveyTable,
                absl::StrCat("survey report, ", response.questions_size(), " questions, ",
                             response.response_count(), " responses"));
}

absl::Status Participation(const Invocation& in) {
  CONVENE_ASSIGN_OR_RETURN(ReportOutput output, ChosenOutput(in));
  v1::SummarizeParticipationRequest request;
  request.set_event_id(in.args.positional()[0]);
  v1::SummarizeParticipationResponse response;
  CONVENE_RETURN_IF_ERROR(
      CallAggregation(in, request, &response, &AggregationService::Stub::SummarizeParticipation));
  return Report(in, output, response, &ParticipationTable,
                absl::StrCat("participation report, ", response.registered(), " registered"));
}

absl::Status Compare(const Invocation& in) {
  CONVENE_ASSIGN_OR_RETURN(ReportOutput output, ChosenOutput(in));
  CONVENE_ASSIGN_OR_RETURN(std::string question, RequiredFlag(in.args, "question"));
  v1::CompareEventsRequest request;
  request.set_question_key(question);
  for (const std::string& event : in.args.positional()) request.add_event_ids(event);
  v1::CompareEventsResponse response;
  CONVENE_RETURN_IF_ERROR(
      CallAggregation(in, request, &response, &AggregationService::Stub::CompareEvents));
  return Report(in, output, response, &CompareTable,
                absl::StrCat("comparison of ", response.events_size(),
                             response.events_size() == 1 ? " event" : " events"));
}

absl::Status PrePost(const Invocation& in) {
  CONVENE_ASSIGN_OR_RETURN(ReportOutput output, ChosenOutput(in));
  v1::ComparePrePostRequest request;
  request.set_pre_survey_id(in.args.positional()[0]);
  request.set_post_survey_id(in.args.positional()[1]);
  v1::ComparePrePostResponse response;
  CONVENE_RETURN_IF_ERROR(
      CallAggregation(in, request, &response, &AggregationService::Stub::ComparePrePost));
  return Report(in, output, response, &PrePostTable,
                absl::StrCat("pre/post report, ", response.pairs(), " pairs"));
}

}  // namespace

std::vector<Command> ReportCommands() {
  const std::string formats = "[--format table|md|csv|json|html] [--out FILE]";
  const std::string about_formats =
      " --format md writes Markdown for an outcomes document, csv one row per figure (cells a "
      "spreadsheet could run as formulas are neutralised), json the response message, html one "
      "self-contained page with a chart per question; --out FILE writes it there.";
  const std::string same_formats = " Formats as for report survey.";
  Command compare{"report",
                  "compare",
                  absl::StrCat("report compare --question KEY EVENT_ID... ", formats),
                  absl::StrCat("Compares one question (by its key) over several events, in the "
                               "order given: each event's latest survey that asks it.",
                               about_formats),
                  {{"question"}, {"format"}, {"out"}},
                  {"EVENT_ID"},
                  Compare};
  compare.repeat_last_positional = true;
  return {
      {"report",
       "survey",
       absl::StrCat("report survey SURVEY_ID [--by DIMENSION[,DIMENSION]] [--min-cell N] ",
                    formats),
       absl::StrCat("Summarises a survey: response rates, then per question n, mean, sd, median "
                    "and quartiles, 95% CI, distributions, options, themes, quiz results; --by "
                    "country, sector, gender or role (up to two, comma-separated) breaks every "
                    "figure down, suppressing cells under --min-cell respondents (default 5) in "
                    "anonymous surveys.",
                    about_formats),
       {{"by"}, {"min-cell"}, {"format"}, {"out"}},
       {"SURVEY_ID"},
       Survey},
      {"report",
       "participation",
       absl::StrCat("report participation EVENT_ID ", formats),
       absl::StrCat("Who registered and who came: by status, country, sector, gender and role, "
                    "attendance per day, speakers by gender.",
                    same_formats),
       {{"format"}, {"out"}},
       {"EVENT_ID"},
       Participation},
      std::move(compare),
      {"report",
       "prepost",
       absl::StrCat("report prepost PRE_SURVEY_ID POST_SURVEY_ID ", formats),
       absl::StrCat("The learning gain of a linked pre-test and post-test, paired by person: "
                    "mean scores, gain with its 95% CI, normalised gain, Wilcoxon p, and each "
                    "quiz item before and after.",
                    same_formats),
       {{"format"}, {"out"}},
       {"PRE_SURVEY_ID", "POST_SURVEY_ID"},
       PrePost},
  };
}

}  // namespace convene::cli
