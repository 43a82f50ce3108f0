// What render.cc (figures, Markdown, CSV) and render_html.cc (HTML and SVG) share. Not part of
// the render library's interface.
#ifndef CONVENE_SERVICES_AGGREGATION_RENDER_INTERNAL_H_
#define CONVENE_SERVICES_AGGREGATION_RENDER_INTERNAL_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "convene/aggregation/v1/aggregation.pb.h"
#include "convene/aggregation/v1/aggregation_service.pb.h"
#include "services/aggregation/render.h"

namespace convene::aggregation::internal {

// The proto's `optional double` as std::optional.
inline std::optional<double> Opt(bool present, double value) {
  return present ? std::optional<double>(value) : std::nullopt;
}

// "+12.5" for a net promoter score or a gain; 0 stays unsigned; kAbsent when absent.
std::string FormatSigned(std::optional<double> value, int decimals);
// A p-value as every report writes it, tables and sentences alike (FormatPValue in
// statistics.h: "0.042", "< 0.001"), or kAbsent.
std::string FormatPValue(std::optional<double> p);
// "3.95 to 4.48", or kAbsent when either end is absent.
std::string FormatInterval(std::optional<double> low, std::optional<double> high, int decimals);

// "likert" -> "Likert", "single-choice" -> "Single choice", "free-text" -> "Free text".
std::string KindName(absl::string_view kind);
// "evaluation", "pre-test", "post-test", "poll", or "" when unspecified.
std::string SurveyKindName(int kind);
// An attribute value as reports show it: "" (unknown) reads "(unknown)".
std::string AttributeValue(absl::string_view value);
// "country", "country and sector".
std::string JoinDimensions(const std::vector<std::string>& by);

// A 0..10 rating, whose summaries carry the net promoter score.
bool IsNpsScale(const v1::QuestionSummary& question);
// The cell's summary of the question with this key, or nullptr.
const v1::QuestionSummary* FindQuestion(const v1::BreakdownCell& cell, absl::string_view key);
// The headline figures of a question in one row (breakdowns and comparisons); `shape` gives the
// kind and the options, `question` (may be nullptr) the figures.
std::vector<std::string> HeadlineHeader(const v1::QuestionSummary& shape, bool option_keys);
std::vector<std::string> HeadlineValues(const v1::QuestionSummary& shape,
                                        const v1::QuestionSummary* question);
// The sentence that explains suppression, for anonymous surveys.
std::string SuppressionNote(int min_cell_size);
// The sentence that explains withheld pre/post figures, for anonymous tests.
std::string PrePostSuppressionNote(int min_cell_size);
// The notes under a pre/post comparison: how scores pair, the gain and the test, then `items_note`
// (unless empty) and, for anonymous tests, PrePostSuppressionNote.
std::vector<std::string> PrePostNotes(const v1::ComparePrePostResponse& comparison,
                                      const std::string& items_note);
// The sentence that explains withheld question figures, for anonymous surveys.
std::string QuestionSuppressionNote(int min_cell_size);
// The question of a comparison whose kind and options head its columns: the first event's that
// has figures (else the first event's, withheld), or nullptr.
const v1::QuestionSummary* CompareShape(const v1::CompareEventsResponse& comparison);
// The method notes every survey report ends with.
std::vector<std::string> MethodNotes(const v1::SummarizeSurveyResponse& summary);

// Text for HTML content and attribute values: & < > " ' as entities.
std::string HtmlEscape(absl::string_view text);

// Whether `question` is a quiz item whose correct option is `key`.
bool IsCorrectOption(const v1::QuestionSummary& question, absl::string_view key);

}  // namespace convene::aggregation::internal

namespace convene::aggregation {

// render_html.cc: the HTML pages.
std::string RenderHtml(const v1::SummarizeSurveyResponse& summary);
std::string RenderHtml(const v1::ComparePrePostResponse& comparison);
std::string RenderHtml(const v1::SummarizeParticipationResponse& participation);
std::string RenderHtml(const v1::CompareEventsResponse& comparison);

}  // namespace convene::aggregation

#endif  // CONVENE_SERVICES_AGGREGATION_RENDER_INTERNAL_H_
