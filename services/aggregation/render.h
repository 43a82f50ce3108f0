// The aggregation service's answers as documents people read: Markdown for an outcomes document,
// CSV for spreadsheets (one row per figure), and one self-contained HTML page with an SVG chart per
// question. The `convene report` commands write them; the figures come from the messages as they
// are, nothing is recomputed here.
//
// What every format promises:
//  - A figure the message leaves absent (the mean of no answers, the standard deviation of one)
//    reads as "–" (kAbsent), never 0; in CSV its value cell is empty.
//  - Every percentage says what it is a share of (answers, respondents, tokens issued).
//  - Quartiles are named by their method ("inclusive": linear interpolation, R type 7).
//  - Text that came from people (answers, labels, titles, attribute values) is escaped for the
//    format: HTML entities in HTML, backslash escapes in Markdown, and in CSV a cell that a
//    spreadsheet would run as a formula (a leading =, +, -, @) is neutralised
//    (services/common/csv.h).
//  - The HTML page fetches nothing: inline CSS, inline SVG, no scripts, no fonts, no links out,
//    and a Content-Security-Policy that forbids any fetch.
//  - Breakdown cells the service suppressed show "suppressed (< k)" and no figures; a question
//    whose figures it withheld (overall or in a cell) shows "suppressed (fewer than k answers)"
//    or "suppressed (complementary)" and no figures, and a withheld quiz score says so too. A
//    pre/post comparison whose figures it withheld (anonymous tests) keeps its counts and shows
//    "suppressed (fewer than k pairs)" (or the service's other reason) instead of every score
//    figure and item, and a withheld item "suppressed (fewer than k answers)".
//  - A p-value reads the same in every table and sentence: FormatPValue (statistics.h).
//
// Pure functions of the message; thread-safe.
#ifndef CONVENE_SERVICES_AGGREGATION_RENDER_H_
#define CONVENE_SERVICES_AGGREGATION_RENDER_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "convene/aggregation/v1/aggregation.pb.h"
#include "convene/aggregation/v1/aggregation_service.pb.h"

namespace convene::aggregation {

// How every format shows a figure that is absent: an en dash.
inline constexpr absl::string_view kAbsent = "–";

enum class ReportFormat { kMarkdown, kCsv, kHtml };

// The survey summary: response counts and rates, the highlights, then per question its statistics
// and its distribution (or options, themes, quiz answers), the quiz score, and the breakdown.
std::string RenderReport(const v1::SummarizeSurveyResponse& summary, ReportFormat format);
// A linked pre-test and post-test: pairs, mean scores, the gain with its interval, the normalised
// gain, the Wilcoxon p-value, and each quiz item before and after.
std::string RenderReport(const v1::ComparePrePostResponse& comparison, ReportFormat format);
// Who registered and who came: by status, country, sector, gender and role, attendance per day,
// speakers by gender.
std::string RenderReport(const v1::SummarizeParticipationResponse& participation,
                         ReportFormat format);
// One question over several events, one row per event.
std::string RenderReport(const v1::CompareEventsResponse& comparison, ReportFormat format);

// --- Pieces the formats share, for the CLI's terminal tables as well ---------------------------

// `value` with `decimals` decimals ("4.21"), or kAbsent.
std::string FormatFixed(std::optional<double> value, int decimals = 2);
// `value` with at most two decimals and no trailing zeros ("4", "3.5", "4.25"), or kAbsent.
std::string FormatShort(std::optional<double> value);
// A percentage with one decimal ("27.4%"), or kAbsent.
std::string FormatPercent(std::optional<double> percent);

// One line of a question's statistics: ("mean", "4.21"), ("Q1 / Q3 (inclusive method)", "4 / 5").
struct Figure {
  std::string label;
  std::string value;
};

// The statistics of a question as the reports list them (a withheld question: one line,
// ("figures", "suppressed (fewer than 5 answers)")), by its kind: answers and missing, then
// for Likert, rating and number questions the mean, standard deviation, 95% CI, median, quartiles,
// min and max, top-two-box (Likert) and net promoter score (0..10 ratings); for choice questions
// the respondents and selections; for free text the answers coded and uncoded; for quiz items the
// share correct and the correct option.
std::vector<Figure> QuestionFigures(const v1::QuestionSummary& question);
// The same for a quiz score (ScaleStatistics) out of `max_score`.
std::vector<Figure> ScoreFigures(const v1::ScaleStatistics& score, int max_score);

// The figures of a pre/post comparison: pairs, maximum score, mean scores before and after, the
// mean gain (signed) with its 95% CI, the normalised gain and the Wilcoxon p-value. When the
// service withheld them (anonymous tests): pairs, maximum score, then one line ("figures",
// SuppressedPrePostText).
std::vector<Figure> PrePostFigures(const v1::ComparePrePostResponse& comparison);

// One bar of a question's chart: a value of the scale, an option, or a theme.
struct Share {
  std::string label;  // "4 · Agree", "Online", "peer-exchange"
  int count = 0;
  std::optional<double> percent;
  bool highlighted = false;  // the correct option of a quiz item
};

// The distribution of a Likert, rating or number question (a number question with more than 15
// values: only the values given), the options of a choice or quiz question, or the themes of a
// free-text question, in the order the message gives them.
std::vector<Share> QuestionShares(const v1::QuestionSummary& question);
// What the percentages of QuestionShares are of: "% of 42 answers", "% of 40 respondents".
std::string SharesDenominator(const v1::QuestionSummary& question);

// "42 responses; 82.4% of 51 tokens issued; 93.3% of 45 participants checked in".
std::string ResponseLine(const v1::SummarizeSurveyResponse& summary);

// A table of text cells, as the Markdown, HTML and terminal renderings lay it out.
struct TextTable {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
};

// The breakdown of the question with this index in `summary.questions()`: one row per cell (the
// dimension values, the respondents, then the question's headline figures: for Likert n, mean,
// median and top-two-box; for choice questions the % per option, headed by the option's label,
// or by its key when `option_keys`). A suppressed cell's respondents read "suppressed (< k)" and
// its figures are empty; a cell shown whose figures for the question are withheld reads
// SuppressedQuestionText in the first figure column, the others empty. No rows when no cell shown
// has figures for the question (it was asked of nobody in the breakdown), or when its overall
// figures are withheld (then so are every cell's).
TextTable BreakdownTable(const v1::SummarizeSurveyResponse& summary, int question_index,
                         bool option_keys = false);
// The quiz score per cell, when the survey has quiz items.
TextTable ScoreBreakdownTable(const v1::SummarizeSurveyResponse& summary);
// What a suppressed cell shows instead of its figures: "suppressed (< 5)", or "suppressed
// (complementary)" for a cell large enough in itself that would let a small one be recomputed
// from the totals.
std::string SuppressedText(const v1::BreakdownCell& cell, int min_cell_size);
// What a question whose figures are withheld shows instead: "suppressed (" and the service's
// reason, "fewer than 5 answers" or "complementary", then ")".
std::string SuppressedQuestionText(const v1::QuestionSummary& question);
// What withheld pre/post figures (the comparison's, or an item's) show instead: "suppressed ("
// and the service's reason ("fewer than 5 pairs", "fewer than 5 answers"), then ")".
std::string SuppressedPrePostText(absl::string_view reason);
// What a withheld quiz score shows: "suppressed (fewer than 5 responses)".
std::string SuppressedScoreText(int min_cell_size);
// A withheld question or score in a report's text: "No figures: suppressed (fewer than 5
// answers), as the survey is anonymous."
std::string WithheldSentence(absl::string_view suppressed_text);

// One row per event: title, start date, responses, then the question's headline figures.
TextTable CompareEventsTable(const v1::CompareEventsResponse& comparison, bool option_keys = false);

}  // namespace convene::aggregation

#endif  // CONVENE_SERVICES_AGGREGATION_RENDER_H_
