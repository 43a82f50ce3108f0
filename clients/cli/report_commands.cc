// convene report survey | participation | compare | prepost
//
// Thin like the other nouns: the aggregation service computes every figure (it reads the
// responses from the survey service and the people from registration); the render library
// (services/aggregation/render.h) writes the Markdown, CSV and HTML files; report_tables.h lays
// the figures out as terminal tables for `--format table`; these commands ask.
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
#include "clients/cli/report_tables.h"
#include "clients/cli/service_client.h"
#include "convene/aggregation/v1/aggregation_service.grpc.pb.h"
#include "services/aggregation/render.h"
#include "services/common/status.h"

namespace convene::cli {
namespace {

namespace v1 = ::convene::aggregation::v1;
using ::convene::aggregation::ReportFormat;
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

// A terminal table (report_tables.h) at the terminal's width.
template <auto table, typename Response>
std::string Terminal(const Response& response) {
  return table(response, OutputWidth());
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
  return Report(in, output, response, &Terminal<SurveyTable>,
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
  return Report(in, output, response, &Terminal<ParticipationTable>,
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
  return Report(in, output, response, &Terminal<CompareTable>,
                absl::StrCat("comparison of ", response.events_size(),
                             response.events_size() == 1 ? " event" : " events"));
}

absl::Status PrePost(const Invocation& in) {
  CONVENE_ASSIGN_OR_RETURN(ReportOutput output, ChosenOutput(in));
  v1::ComparePrePostRequest request;
  request.set_pre_survey_id(in.args.positional()[0]);
  request.set_post_survey_id(in.args.positional()[1]);
  CONVENE_ASSIGN_OR_RETURN(int min_cell, IntFlag(in.args, "min-cell", 0));
  request.set_min_cell_size(min_cell);
  v1::ComparePrePostResponse response;
  CONVENE_RETURN_IF_ERROR(
      CallAggregation(in, request, &response, &AggregationService::Stub::ComparePrePost));
  return Report(in, output, response, &Terminal<PrePostTable>,
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
       absl::StrCat("report prepost PRE_SURVEY_ID POST_SURVEY_ID [--min-cell N] ", formats),
       absl::StrCat("The learning gain of a linked pre-test and post-test, paired by person: "
                    "mean scores, gain with its 95% CI, normalised gain, Wilcoxon p, and each "
                    "quiz item before and after. Anonymous tests show no figures when fewer "
                    "than --min-cell people (default 5) took both, or only one of the tests, "
                    "and none for an item answered by fewer.",
                    same_formats),
       {{"min-cell"}, {"format"}, {"out"}},
       {"PRE_SURVEY_ID", "POST_SURVEY_ID"},
       PrePost},
  };
}

}  // namespace convene::cli
