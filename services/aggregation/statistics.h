// The statistics core of the aggregation service, free of gRPC, protos and SQL: the figures the
// evaluation reports print for Likert, rating and number questions and for linked pre/post tests.
//
// Three accumulators, all streaming (values are added one at a time and never kept unless said):
//  - ValueCounts: an exact histogram of whole-number answers (Likert 1..7, rating 0..10, whole
//    numbers). Memory grows with the number of distinct values, never with the number of answers,
//    and every figure, medians and quartiles included, is exact. Add is O(1) inside a declared
//    range.
//  - Moments: Welford's running mean and variance, with min and max, for real-valued answers.
//    Constant memory, but it cannot give medians or quartiles; SummarizeValues is the exact path
//    for those, and it holds every value.
//  - PairedScores: (pre, post) scores paired by person, for the learning gain and the Wilcoxon
//    signed-rank test. Memory grows with the number of distinct |post - pre| differences (a few
//    dozen for whole-point quiz scores).
//
// "No data" is explicit: a figure that is undefined is an empty std::optional, never NaN or 0.
// With n = 0 every figure is absent (n and missing are still counted); with n = 1 the standard
// deviation and the confidence interval are absent; when all values are equal the standard
// deviation is exactly 0 and the confidence interval has width 0.
//
// Definitions, chosen to agree with Python's `statistics` module and SciPy 1.10 (Debian 12), which
// the tests use as the independent reference (services/aggregation/testdata/):
//  - mean: the arithmetic mean; standard deviation: the sample one (n - 1 in the denominator), as
//    statistics.stdev.
//  - median: statistics.median (the middle value, or the mean of the two middle values).
//  - quartiles: statistics.quantiles(data, n=4, method='inclusive'), which is linear interpolation
//    between order statistics, the same as numpy.quantile's default and R's type 7: with the
//    values sorted as x[0] <= ... <= x[n-1], the i-th quartile is at position h = i (n - 1) / 4 and
//    is x[floor(h)] + (h - floor(h)) (x[floor(h)+1] - x[floor(h)]). For n = 1 both quartiles are
//    the value (Python 3.11 refuses n < 2; numpy and Python 3.13 give the value).
//  - confidence interval of the mean: mean +- t(1 - (1 - level) / 2, n - 1) s / sqrt(n), with the
//    Student t quantile computed here (StudentTQuantile), level 0.95 in the summaries.
//  - percentages are in % (0..100), of the n answers given (missing answers excluded).
//
// Thread safety: the accumulators are not safe for concurrent mutation; their const methods may be
// called concurrently. The free functions are pure and thread-safe.
#ifndef CONVENE_SERVICES_AGGREGATION_STATISTICS_H_
#define CONVENE_SERVICES_AGGREGATION_STATISTICS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/btree_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace convene::aggregation {

// The confidence level of the intervals in the summaries.
inline constexpr double kConfidenceLevel = 0.95;

struct ConfidenceInterval {
  double low = 0;
  double high = 0;
};

// The figures of one numeric question. Which are present depends on n (see the top of this file)
// and on the accumulator: Moments has no median or quartiles.
struct NumericSummary {
  int64_t n = 0;        // answers given
  int64_t missing = 0;  // answers not given, as counted by AddMissing
  std::optional<double> mean;
  std::optional<double> standard_deviation;  // sample (n - 1); absent for n < 2
  std::optional<double> min;
  std::optional<double> max;
  std::optional<double> median;
  std::optional<double> q1;                   // first quartile (inclusive method)
  std::optional<double> q3;                   // third quartile (inclusive method)
  std::optional<ConfidenceInterval> mean_ci;  // kConfidenceLevel, Student t; absent for n < 2
};

// One value of a distribution: how many gave it and their share of the n answers, in %; the
// percent is absent when n = 0.
struct ValueShare {
  int64_t value = 0;
  int64_t count = 0;
  std::optional<double> percent;
};

// An exact histogram of whole-number answers. Values inside the declared range are counted in an
// array (Add is an increment); values outside it, or all values when no range was declared, in an
// ordered map (Add is O(log distinct values)). Values outside the declared range are counted like
// any other: the figures cover every value added.
class ValueCounts {
 public:
  // The largest declared range, in values: a counter each (8 bytes), so 32 KiB at most.
  static constexpr int64_t kMaxRangeValues = 4096;

  // No declared range: the distribution lists only the values that occur.
  ValueCounts() = default;

  // A declared range lo..hi (inclusive), such as 1..5 for a Likert question: the distribution lists
  // every value of the range, including those nobody gave. INVALID_ARGUMENT when lo > hi or the
  // range has more than kMaxRangeValues values (use the unbounded form for those).
  static absl::StatusOr<ValueCounts> ForRange(int64_t lo, int64_t hi);

  void Add(int64_t value) {
    // One unsigned comparison tests lo_ <= value <= hi_.
    const uint64_t index = static_cast<uint64_t>(value) - static_cast<uint64_t>(lo_);
    if (index < dense_.size()) {
      ++dense_[index];
    } else {
      ++sparse_[value];
    }
    ++n_;
  }

  // `count` respondents who all gave `value`.
  void Add(int64_t value, int64_t count) {
    const uint64_t index = static_cast<uint64_t>(value) - static_cast<uint64_t>(lo_);
    if (index < dense_.size()) {
      dense_[index] += count;
    } else {
      sparse_[value] += count;
    }
    n_ += count;
  }

  // Counts one respondent who did not answer (or `count` of them).
  void AddMissing(int64_t count = 1) { missing_ += count; }

  // Adds every count of `other` (answers and missing) to this one; the declared range stays this
  // one's.
  void Merge(const ValueCounts& other);

  int64_t n() const { return n_; }
  int64_t missing() const { return missing_; }
  // How many gave `value`.
  int64_t Count(int64_t value) const;

  // Every figure of NumericSummary, exact (medians and quartiles from the counts). O(distinct
  // values).
  NumericSummary Summarize() const;

  // Count and % per value, in ascending order of value: every value of the declared range (those
  // nobody gave included) and every other value that occurs.
  std::vector<ValueShare> Distribution() const;

  // The share of answers in the top two points of a scale ending at `scale_max` (scale_max - 1 and
  // scale_max), in %. Absent when n = 0.
  std::optional<double> TopTwoBoxPercent(int64_t scale_max) const;

  // The net promoter score of a 0..10 rating: % of promoters (9 or 10) minus % of detractors (0 to
  // 6), from -100 to 100. Absent when n = 0. Values outside 0..10 count in n but in neither group.
  std::optional<double> NetPromoterScore() const;

 private:
  // The (value, count) pairs with count > 0, in ascending order of value.
  std::vector<std::pair<int64_t, int64_t>> Entries() const;

  int64_t lo_ = 0;
  std::vector<int64_t> dense_;                // counts of lo_ .. lo_ + size - 1
  absl::btree_map<int64_t, int64_t> sparse_;  // counts of values outside the declared range
  int64_t n_ = 0;
  int64_t missing_ = 0;
};

// Welford's streaming mean and variance, with min and max, for real-valued answers; merges with
// Chan et al.'s pairwise formula. Constant memory. The values are shifted by the first one before
// they are accumulated, so that answers far from 0 with a small spread (1e12 + a few units) keep
// their standard deviation. Values should be finite (the survey rules reject others); NaN or
// infinity propagate into the figures.
class Moments {
 public:
  void Add(double value);
  void AddMissing() { ++missing_; }
  void Merge(const Moments& other);

  int64_t n() const { return n_; }
  int64_t missing() const { return missing_; }

  // n, missing, mean, standard deviation, min, max and the confidence interval; median and
  // quartiles are absent (see SummarizeValues).
  NumericSummary Summarize() const;

 private:
  int64_t n_ = 0;
  int64_t missing_ = 0;
  double shift_ = 0;  // the first value
  double mean_ = 0;   // mean of value - shift_
  double m2_ = 0;     // sum of squared deviations from the mean
  double min_ = 0;
  double max_ = 0;
};

// The exact path for real-valued answers: every figure of NumericSummary, median and quartiles
// included, from all the values (so memory is the values: keep this to questions whose answers
// fit in memory, or use Moments). `missing` is copied into the summary. The mean and the sum of
// squares are compensated sums; when all values are equal the mean is that value and the standard
// deviation exactly 0.
NumericSummary SummarizeValues(std::vector<double> values, int64_t missing = 0);

// mean +- t s / sqrt(n), t the Student quantile of order 1 - (1 - level) / 2 with n - 1 degrees of
// freedom. Absent when n < 2, level is not in (0, 1) or sd is not finite and >= 0.
std::optional<ConfidenceInterval> MeanConfidenceInterval(double mean, double sd, int64_t n,
                                                         double level = kConfidenceLevel);

// The Wilcoxon signed-rank test of the gains d = post - pre, two-sided, exactly as
// scipy.stats.wilcoxon(post, pre) computes it with its defaults in SciPy 1.10 (Debian 12), read
// from its source (scipy/stats/_morestats.py): zero_method='wilcox', correction=False,
// method='auto', which means
//  - the exact null distribution when there are at most 50 pairs, zero differences included in
//    that count, and no zero difference. Ties of |d| do not change that choice: the rank sum of
//    the positive differences (a multiple of 0.5 with ties) is then truncated to a whole number
//    before it is looked up in the distribution without ties, as SciPy does. That truncation is
//    why the argument order matters to SciPy when there are ties: wilcoxon(pre, post) can give
//    another p-value; this is wilcoxon(post, pre).
//  - otherwise zero differences are dropped and the normal approximation is used, with the tie
//    correction of the variance and no continuity correction.
struct WilcoxonResult {
  double statistic = 0;  // min(R+, R-), the smaller rank sum, as SciPy reports it
  double p_value = 0;
  bool exact = false;  // exact distribution (true) or normal approximation (false)
};

// The figures of a linked pre/post test; see PairedScores for when each is present.
struct PairedSummary {
  int64_t pairs = 0;
  std::optional<double> mean_pre;
  std::optional<double> mean_post;
  std::optional<double> mean_gain;            // mean of post - pre
  std::optional<ConfidenceInterval> gain_ci;  // kConfidenceLevel, Student t; n >= 2
  std::optional<double> normalized_gain;      // Hake's <g>
  std::optional<WilcoxonResult> wilcoxon;
};

// Scores of the same people before and after a training, for the learning gain. Keeps the
// differences post - pre counted by absolute value, so memory grows with the number of distinct
// |differences| (at most max_score of them for whole-point scores in 0..max_score), not with the
// number of pairs.
class PairedScores {
 public:
  // `max_score` is the highest score the test allows, used by the normalised gain only.
  explicit PairedScores(double max_score) : max_score_(max_score) {}

  // INVALID_ARGUMENT, and nothing added, when a score is not finite.
  absl::Status Add(double pre, double post);
  // Adds the pairs of `other`; the maximum score stays this one's.
  void Merge(const PairedScores& other);

  int64_t pairs() const { return pairs_; }

  // With n pairs: n = 0 gives only pairs = 0; means and mean gain need n >= 1; the gain's
  // confidence interval n >= 2; the normalised gain (mean post - mean pre) / (max - mean pre)
  // needs mean pre < max; the Wilcoxon test is absent when n = 0 or when every difference is zero
  // (SciPy returns NaN or raises for those).
  PairedSummary Summarize() const;

 private:
  struct SignedCounts {
    int64_t positive = 0;  // post > pre by this much
    int64_t negative = 0;  // post < pre by this much
  };

  double max_score_;
  int64_t pairs_ = 0;
  int64_t zeros_ = 0;  // pairs with post == pre
  // Compensated (Neumaier) sums of the pre and post scores: sum and running compensation.
  double pre_sum_ = 0;
  double pre_compensation_ = 0;
  double post_sum_ = 0;
  double post_compensation_ = 0;
  absl::btree_map<double, SignedCounts> by_difference_;  // key: |post - pre| > 0
};

// How every report writes a p-value, in tables and in sentences alike (one rule, as APA style has
// it): three decimals ("0.042", "1.000"), and "< 0.001" for anything below 0.001, which three
// decimals would round to a misleading "0.000". NaN reads "–".
std::string FormatPValue(double p);
// The same as a clause of a sentence: "p = 0.042", "p < 0.001".
std::string PValueClause(double p);

// The cumulative distribution function of Student's t with `df` > 0 degrees of freedom, from the
// regularised incomplete beta function (continued fraction, modified Lentz), computing the smaller
// tail directly. Relative accuracy about 1e-14 in either tail for df <= 1000; the continued
// fraction loses digits as df grows (about 1e-11 at df = 1e6, 1e-9 at 1e8). NaN for df <= 0 or a
// NaN t.
double StudentTCdf(double t, double df);

// The quantile of order p of Student's t with `df` > 0 degrees of freedom: the t with
// StudentTCdf(t, df) = p. Safeguarded Newton steps on the tail probability, started from the
// Cornish-Fisher expansion, which is itself the answer once df is large (df >= max(1000, 60 z^2),
// z the normal quantile). Relative accuracy better than 1e-14 (checked against 50-digit mpmath for
// df from 0.5 to 1e9 and p up to 1 - 1e-7). Quantiles beyond 1e150 in magnitude (p within 1e-300
// of 0 or 1 with df below 1) are not meaningful. NaN unless 0 < p < 1 and df > 0.
double StudentTQuantile(double p, double df);

}  // namespace convene::aggregation

#endif  // CONVENE_SERVICES_AGGREGATION_STATISTICS_H_
