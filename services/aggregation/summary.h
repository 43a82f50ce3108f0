// Survey summaries from a stream of responses, free of gRPC: per-question accumulators for every
// question kind, breakdown cells by respondent attributes, small-cell suppression, the pre/post
// pairing and the sentences a reader can lift into a report.
//
// Memory: a SurveyAggregator keeps counts per value or option, theme counts and the uncoded
// free-text answers; it never keeps responses. The exceptions, each documented where it is: number
// questions that allow fractions keep their values (exact medians need them), and pre/post pairing
// keeps one score per pre-test respondent until the post-test answer arrives.
//
// Not thread-safe; one aggregator per call.
#ifndef CONVENE_SERVICES_AGGREGATION_SUMMARY_H_
#define CONVENE_SERVICES_AGGREGATION_SUMMARY_H_

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "convene/aggregation/v1/aggregation_service.pb.h"
#include "convene/survey/v1/survey.pb.h"
#include "convene/survey/v1/survey_service.pb.h"
#include "services/aggregation/statistics.h"

namespace convene::aggregation {

namespace sv = ::convene::survey::v1;

// The smallest cell an anonymous survey's breakdown shows figures for, unless asked for more; also
// the fewest answers a question's figures are shown for, overall and in each cell.
inline constexpr int kDefaultMinCellSize = 5;

// Why a question's figures are withheld, as QuestionSummary.suppressed_reason says it:
// "fewer than 5 answers".
std::string FewerAnswersReason(int min_answers);
inline constexpr char kComplementaryReason[] = "complementary";

// The summary of a question whose figures are withheld: key, text and kind of `full`, suppressed
// with `reason`; no statistics and no missing count (the response count less the missing ones is
// the number of answers).
v1::QuestionSummary WithheldQuestion(const v1::QuestionSummary& full, const std::string& reason);

// One question's answers, accumulated.
class QuestionAccumulator {
 public:
  explicit QuestionAccumulator(const sv::Question& question);

  // `answer` is the response's answer to this question, or nullptr when it has none.
  void Add(const sv::Answer* answer);
  // The same for every answer the survey service counted (CountAnswersResponse), and `missing`
  // responses without an answer. The figures are those Add would give for the same answers, except
  // that identical uncoded texts are listed together.
  void AddCounts(const sv::QuestionAnswerCounts& counts, int64_t missing);

  int64_t answered() const { return answered_; }

  // The question's figures. `with_uncoded_text` lists the free-text answers without codes (overall
  // summaries; never in breakdown cells, where they could identify a small group).
  v1::QuestionSummary Summarize(bool with_uncoded_text) const;

 private:
  const sv::Question* question_;
  int64_t answered_ = 0;
  int64_t missing_ = 0;
  // Likert, rating, whole-number questions and quiz scores: exact counts per value.
  ValueCounts counts_;
  // Number questions that allow fractions: the values themselves.
  std::vector<double> values_;
  // Choice and quiz: count per option, in the question's option order.
  std::vector<int64_t> option_counts_;
  int64_t selections_ = 0;
  int64_t correct_ = 0;
  // Free text.
  std::map<std::string, int64_t> themes_;
  int64_t uncoded_ = 0;
  std::vector<std::string> uncoded_text_;
};

// Every question of a survey, and the quiz score.
class SurveyAggregator {
 public:
  // `survey` must outlive the aggregator.
  explicit SurveyAggregator(const sv::Survey& survey);

  void Add(const sv::Response& response);
  // Every response the survey service counted, from its counts instead of the responses.
  void AddCounts(const sv::CountAnswersResponse& counts);

  int64_t responses() const { return responses_; }

  // Questions in the survey's order. With `min_answers` > 0 (anonymous surveys), a question
  // answered by at least one and fewer than `min_answers` respondents is withheld
  // (WithheldQuestion, FewerAnswersReason); its uncoded answers with it.
  std::vector<v1::QuestionSummary> Questions(bool with_uncoded_text, int min_answers = 0) const;
  // How many answered the question at this position (the survey's order).
  int64_t answered(int question) const { return questions_[question]->answered(); }
  // The quiz score distribution; empty when the survey has no quiz item.
  v1::ScaleStatistics Score() const;
  int max_score() const { return max_score_; }

 private:
  const sv::Survey* survey_;
  absl::flat_hash_map<std::string, int> index_;  // question key -> position
  std::vector<std::unique_ptr<QuestionAccumulator>> questions_;
  ValueCounts scores_;
  int max_score_ = 0;
  int64_t responses_ = 0;
  std::vector<const sv::Answer*> scratch_;  // Add's answers by question, reused
};

// The attributes a breakdown can use.
enum class Dimension { kCountry, kSector, kGender, kRole };

// Parses request.by: up to two distinct names among country, sector, gender, role (case and
// surrounding spaces ignored). INVALID_ARGUMENT naming "by" otherwise.
absl::StatusOr<std::vector<Dimension>> ParseDimensions(
    const google::protobuf::RepeatedPtrField<std::string>& by);
std::string DimensionName(Dimension dimension);

// The minimum cell size for a request: 0 -> kDefaultMinCellSize; below it, INVALID_ARGUMENT naming
// min_cell_size (the minimum can only be raised).
absl::StatusOr<int> MinCellSize(int requested);

// Responses grouped by the values of their attributes along the dimensions.
class Breakdown {
 public:
  Breakdown(const sv::Survey& survey, std::vector<Dimension> dimensions);

  void Add(const sv::Response& response);

  // The cells in order of their values. When `suppress` (anonymous surveys), cells below
  // `min_cell_size` respondents and their complements (SuppressedCells) carry no figures; and in
  // the cells shown, per question, the figures of fewer than `min_cell_size` answers are withheld
  // (WithheldQuestion), with complements chosen by the same rule over the cells' answer counts, so
  // that the question's overall figures (and, in two dimensions, a row's or column's, which a
  // one-dimensional breakdown shows) less the cells shown never give a withheld cell's counts per
  // value, nor those of fewer than `min_cell_size` answers taken together. Cells where nobody
  // answered the question take no part: a count of 0 gives nobody away.
  // Uncoded free-text answers are never listed in a cell: the words of a few people of one
  // country and sector can say who they are, whatever the count.
  std::vector<v1::BreakdownCell> Cells(bool suppress, int min_cell_size) const;

 private:
  const sv::Survey* survey_;
  std::vector<Dimension> dimensions_;
  std::map<std::vector<std::string>, std::unique_ptr<SurveyAggregator>> cells_;
};

// Which cells to suppress, given each cell's values (one per dimension) and respondent count:
// every cell with fewer than `min_cell_size` respondents, and then, so that none of those can be
// recomputed by subtraction from a total (the overall one, or a row's or column's of a
// two-dimensional breakdown, which a one-dimensional breakdown shows), the smallest other cell of
// any such group that has exactly one suppressed cell. Nor may a total give away a group smaller
// than the minimum: the cells hidden in a known total (the overall one; in two dimensions each
// row's and column's that the one-dimensional breakdown shows, and the rows whose totals it hides
// taken together) must add up to 0 or to at least `min_cell_size` respondents, or the total less
// the cells shown would give the figures of those few together (cells of 1 and 2 hidden in a row
// whose total is shown describe 3 people); while they do not, the smallest cell of that total
// still shown is hidden too. Both rules are repeated until neither hides more.
// In two dimensions, a row (or column) whose total the one-dimensional breakdown hides also hides
// at least one cell, so that the two breakdowns together do not give that total back; and a cell
// alone in its row or column is taken as a complement only when no other cell can be (its row's
// total would give it away). Then no combination of totals may give a small cell, or a sum of
// hidden cells below the minimum, away either: the hidden cells are the edges of a bipartite graph
// of rows and columns (rows whose totals are hidden merged into one vertex); a cell follows from
// the totals exactly when its edge is a bridge, and the sum of several cells when they are the
// edges leaving a set of vertices and each goes from a row inside it to a column outside (or a
// union of such sets). While a small cell is a bridge, the smallest cell shown in its row or
// column is hidden too; while such a set adds up to less than the minimum (a minimum cut finds
// it), the smallest cell shown with one end in the set of vertices is. If that cannot help (every
// cell around it is a whole row or column), the table shows no cell.
// Checked against a rank test on random tables (summary_test.cc). Not covered: what someone who
// knows every participant's attributes can infer by combining one-dimensional breakdowns.
//
// `already_hidden` (empty, or one per cell) are cells hidden for another reason (their respondents,
// when the counts are one question's answers): they count as hidden in every total, and are not
// taken as complements again.
std::vector<bool> SuppressedCells(const std::vector<std::vector<std::string>>& values,
                                  const std::vector<int64_t>& respondents, int min_cell_size,
                                  const std::vector<bool>& already_hidden = {});

// Pre/post pairing by pair key: the pre-test scores are kept by key until the post-test's arrive.
class PrePostPairing {
 public:
  explicit PrePostPairing(int max_score) : scores_(max_score), max_score_(max_score) {}

  void AddPre(const sv::Response& response);
  // Call after every AddPre.
  void AddPost(const sv::Response& response);

  // Pairs, unpaired counts, max_score, min_cell_size and the paired figures. With `min_cell_size`
  // > 0 (anonymous tests, as MinCellSize() accepted it), when the pairs, or those who took only
  // the pre-test or only the post-test, are at least one and fewer than that, every figure is
  // withheld (suppressed, with "fewer than 5 pairs", "fewer than 5 took only the pre-test" or
  // "fewer than 5 took only the post-test"): a test's own mean score less the paired mean would
  // describe those few. The counts stay.
  void Fill(int min_cell_size, v1::ComparePrePostResponse* out) const;

 private:
  PairedScores scores_;
  int max_score_;
  absl::flat_hash_map<std::string, int> pre_by_key_;
  int64_t unpaired_pre_without_key_ = 0;
  int64_t unpaired_post_ = 0;
};

// The items of a pre/post comparison (call after PrePostPairing::Fill): each quiz question of the
// post-test that the pre-test also asks (same key), in the post-test's order, with its % correct
// in each test. With `min_cell_size` > 0, an item answered by at least one and fewer than that in
// either test is suppressed (FewerAnswersReason), and when the comparison is suppressed every item
// is, with its reason.
void FillPrePostItems(const SurveyAggregator& pre, const SurveyAggregator& post, int min_cell_size,
                      v1::ComparePrePostResponse* out);

// What a survey summary is made of besides its responses.
struct SurveySummaryInput {
  const sv::Survey* survey = nullptr;
  std::vector<Dimension> dimensions;  // the breakdown's, empty for none
  int min_cell_size = 5;              // as MinCellSize() accepted it
  int token_count = 0;                // tokens issued for the survey
  int checked_in = 0;                 // participants of the event checked in
};

// The whole SummarizeSurveyResponse from the aggregated responses (`breakdown` null when there
// are no dimensions): counts and response rates, each question, the quiz score, the breakdown
// cells and the highlights. An anonymous survey shows no figures of fewer than min_cell_size
// answers, overall as in the cells; its uncoded free-text answers are listed only in the whole
// survey's summary of a question answered by at least that many.
void FillSurveySummary(const SurveySummaryInput& input, const SurveyAggregator& overall,
                       const Breakdown* breakdown, v1::SummarizeSurveyResponse* response);

// Fills a ScaleStatistics from a summary (and the distribution, when given).
void FillScale(const NumericSummary& summary, v1::ScaleStatistics* out);

// Sentences for a report, from a filled summary: themes of free-text questions ("Out of 42
// responses, 27% named peer experience sharing as the most useful aspect."), the top two boxes of
// Likert questions, net promoter scores, the most chosen option and quiz results.
std::vector<std::string> SurveyHighlights(const v1::SummarizeSurveyResponse& summary);
std::vector<std::string> PrePostHighlights(const v1::ComparePrePostResponse& comparison);

// "27%": a percentage rounded to a whole number for sentences.
std::string WholePercent(double percent);

}  // namespace convene::aggregation

#endif  // CONVENE_SERVICES_AGGREGATION_SUMMARY_H_
