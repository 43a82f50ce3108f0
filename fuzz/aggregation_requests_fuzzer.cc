// The aggregation service's survey summary (SummarizeSurveyRequest: `by` and `min_cell_size`) over
// fuzzed responses to a fuzzed survey (the demo's evaluation unless the input carries a survey
// that NormalizeSurvey accepts), through the code Reporter::SummarizeSurvey runs (the aggregators
// and FillSurveySummary of services/aggregation/summary.h) and the reports the CLI renders from its
// answer (render.h), since the Reporter reads the survey and its responses from the survey service
// first. Responses are
// kept as the survey service would have stored them: answers that ValidateAnswers accepts (with
// the demo codebook's codes on free text), attributes in registration's forms (left empty when
// they are not), the quiz score QuizScore gives.
//
// Properties: errors name the request's fields (INVALID_ARGUMENT); every response is counted once
// overall and lands in exactly one breakdown cell; in an anonymous survey no cell below the minimum
// shows figures, nor does a question answered by fewer (overall or in a cell), nor the score; the
// HTML report uses only the renderer's own tags (so no text from a response becomes markup) and the
// CSV report reads back with ParseCsv.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "fuzz/fuzz_inputs.pb.h"
#include "fuzz/fuzz_support.h"
#include "services/aggregation/render.h"
#include "services/aggregation/summary.h"
#include "services/common/csv.h"
#include "services/common/status.h"
#include "services/registration/countries.h"
#include "services/registration/rules.h"
#include "services/survey/survey_rules.h"

namespace {

namespace av1 = ::convene::aggregation::v1;
namespace rv1 = ::convene::registration::v1;
namespace sv = ::convene::survey::v1;
using namespace ::convene::aggregation;  // NOLINT: the code under test

// The tags render_html.cc writes.
const std::set<std::string>& RendererTags() {
  static const auto* tags = new std::set<std::string>{
      "html",    "head",       "meta",  "title",   "style", "body",  "header", "main", "footer",
      "article", "section",    "h1",    "h2",      "h3",    "p",     "div",    "span", "b",
      "ul",      "li",         "table", "caption", "thead", "tbody", "tr",     "th",   "td",
      "figure",  "figcaption", "svg",   "rect",    "line",  "path",  "text",   "g",    "title"};
  return *tags;
}

void CheckHtml(const std::string& html) {
  for (size_t i = html.find('<'); i != std::string::npos; i = html.find('<', i + 1)) {
    size_t j = i + 1;
    if (j < html.size() && (html[j] == '/' || html[j] == '!')) ++j;
    if (j < html.size() && html[j - 1] == '!') continue;  // <!doctype html>, comments
    size_t k = j;
    while (k < html.size() && absl::ascii_isalnum(static_cast<unsigned char>(html[k]))) ++k;
    const std::string tag = absl::AsciiStrToLower(html.substr(j, k - j));
    CONVENE_FUZZ_CHECK(
        RendererTags().count(tag) > 0,
        absl::StrCat("the HTML report holds a <", tag, "> it did not write: ", html.substr(i, 80)));
  }
}

// The response as the survey service would have stored it, or false when it would have refused
// the answers.
bool Stored(const sv::Survey& survey, const sv::Response& given, sv::Response& out) {
  std::vector<sv::Answer> answers(given.answers().begin(), given.answers().end());
  if (!convene::survey::ValidateAnswers(survey, answers).ok()) return false;
  out.Clear();
  out.set_id(given.id());
  out.set_survey_id(survey.id());
  out.set_pair_key(given.pair_key());
  rv1::Participant who;
  if (auto code = convene::registration::NormalizeCountry(given.attributes().country())) {
    who.set_country(*code);
  }
  if (auto v = convene::registration::ParseSector(given.attributes().sector()); v.ok()) {
    who.set_sector(*v);
  }
  if (auto v = convene::registration::ParseGender(given.attributes().gender()); v.ok()) {
    who.set_gender(*v);
  }
  if (auto v = convene::registration::ParseRole(given.attributes().role()); v.ok()) {
    who.set_role(*v);
  }
  *out.mutable_attributes() = convene::survey::AttributesOf(who);
  const auto [score, max_score] = convene::survey::QuizScore(survey, answers);
  out.set_score(score);
  out.set_max_score(max_score);
  for (sv::Answer& a : answers) {
    if (a.has_text()) {
      for (std::string& code :
           convene::survey::ApplyCodebook(convene::fuzz::DemoCodebook(), a.text())) {
        a.add_codes(std::move(code));
      }
    }
    *out.add_answers() = std::move(a);
  }
  return true;
}

absl::Status Summarize(const convene::fuzz::AggregationInput& input) {
  sv::Survey survey = convene::fuzz::DemoEvaluation();
  if (input.has_survey()) {
    sv::Survey given = input.survey();
    given.set_id("srv_given");
    given.set_event_id("evt_demo");
    if (convene::survey::NormalizeSurvey(given).ok()) survey = std::move(given);
  }
  survey.set_anonymous(input.anonymous());
  const av1::SummarizeSurveyRequest& request = input.request();
  CONVENE_ASSIGN_OR_RETURN(std::vector<Dimension> dimensions, ParseDimensions(request.by()));
  CONVENE_ASSIGN_OR_RETURN(int min_cell_size, MinCellSize(request.min_cell_size()));

  SurveyAggregator overall(survey);
  std::unique_ptr<Breakdown> breakdown;
  if (!dimensions.empty()) breakdown = std::make_unique<Breakdown>(survey, dimensions);
  int kept = 0;
  for (const sv::Response& given : input.responses()) {
    sv::Response r;
    if (!Stored(survey, given, r)) continue;
    ++kept;
    overall.Add(r);
    if (breakdown) breakdown->Add(r);
  }

  CONVENE_FUZZ_CHECK(overall.responses() == kept,
                     absl::StrCat(overall.responses(), " counted of ", kept));
  av1::SummarizeSurveyResponse response;
  FillSurveySummary({.survey = &survey,
                     .dimensions = dimensions,
                     .min_cell_size = min_cell_size,
                     .token_count = 48,
                     .checked_in = 40},
                    overall, breakdown.get(), &response);
  CONVENE_FUZZ_CHECK(response.response_count() == kept, "the response count is not the responses");
  const int min_answers = survey.anonymous() ? min_cell_size : 0;
  for (const av1::QuestionSummary& q : response.questions()) {
    const int answered = kept - q.missing();
    CONVENE_FUZZ_CHECK(q.suppressed() || answered == 0 || answered >= min_answers,
                       absl::StrCat("question ", q.key(), " shows figures of ", answered,
                                    " answers (minimum ", min_answers, ")"));
    if (q.suppressed()) {
      CONVENE_FUZZ_CHECK(q.statistics_case() == av1::QuestionSummary::STATISTICS_NOT_SET,
                         absl::StrCat("suppressed question ", q.key(), " shows figures"));
    }
  }
  if (kept > 0 && kept < min_answers) {
    CONVENE_FUZZ_CHECK(!response.has_score(), "the score of fewer responses than the minimum");
  }
  if (breakdown) {
    int64_t in_cells = 0;
    for (const av1::BreakdownCell& cell : response.cells()) {
      in_cells += cell.respondents();
      CONVENE_FUZZ_CHECK(cell.values_size() == static_cast<int>(dimensions.size()),
                         "a cell without one value per dimension");
      if (survey.anonymous() && cell.respondents() < min_cell_size) {
        CONVENE_FUZZ_CHECK(cell.suppressed() && cell.questions_size() == 0 && !cell.has_score(),
                           absl::StrCat("a cell of ", cell.respondents(), " (minimum ",
                                        min_cell_size, ") shows figures"));
      }
      if (cell.suppressed()) {
        CONVENE_FUZZ_CHECK(cell.questions_size() == 0 && !cell.has_score(),
                           "a suppressed cell shows figures");
      }
      for (const av1::QuestionSummary& q : cell.questions()) {
        const int answered = static_cast<int>(cell.respondents()) - q.missing();
        CONVENE_FUZZ_CHECK(q.suppressed() || answered == 0 || answered >= min_answers,
                           absl::StrCat("question ", q.key(), " shows figures of ", answered,
                                        " answers in a cell (minimum ", min_answers, ")"));
      }
    }
    CONVENE_FUZZ_CHECK(in_cells == kept, absl::StrCat(in_cells, " in cells of ", kept));
  }

  (void)RenderReport(response, ReportFormat::kMarkdown);
  CheckHtml(RenderReport(response, ReportFormat::kHtml));
  const std::string csv = RenderReport(response, ReportFormat::kCsv);
  CONVENE_FUZZ_CHECK(convene::ParseCsv(csv).ok(), "the CSV report does not read back");
  return absl::OkStatus();
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  convene::fuzz::QuietProtobuf();
  convene::fuzz::DemoEvaluation();
  convene::fuzz::DemoCodebook();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  convene::fuzz::AggregationInput input;
  if (!input.ParseFromArray(data, static_cast<int>(size))) return 0;
  const absl::Status status = Summarize(input);
  CONVENE_FUZZ_CHECK(status.ok() || absl::IsInvalidArgument(status), status.ToString());
  return 0;
}
