// Hand-checked examples for statistics.h; statistics_reference_test.cc compares every figure with
// Python's statistics module and SciPy on generated data sets.
#include "services/aggregation/statistics.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <vector>

#include "absl/status/status.h"

namespace convene::aggregation {
namespace {

using ::testing::DoubleNear;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Optional;

// Quantiles of order 0.975 (the double nearest) to 17 digits, from 50-digit mpmath (betainc
// inverted): Student t with 2 and 3 degrees of freedom, and the standard normal.
constexpr double kT975Df2 = 4.302652729749462;  // also 0.95 / sqrt(2 * 0.975 * 0.025)
constexpr double kT975Df3 = 3.1824463052837084;
constexpr double kNormal975 = 1.959963984540054;

ValueCounts Likert(int points, const std::vector<int64_t>& values) {
  absl::StatusOr<ValueCounts> counts = ValueCounts::ForRange(1, points);
  EXPECT_TRUE(counts.ok()) << counts.status();
  for (int64_t value : values) counts->Add(value);
  return *std::move(counts);
}

MATCHER_P2(Share, value, count, "") { return arg.value == value && arg.count == count; }
MATCHER_P3(Share, value, count, percent, "") {
  return arg.value == value && arg.count == count && arg.percent.has_value() &&
         std::abs(*arg.percent - percent) < 1e-12;
}

// --- ValueCounts

TEST(ValueCountsTest, OneTwoThreeFour) {
  NumericSummary s = Likert(5, {4, 2, 1, 3}).Summarize();
  EXPECT_EQ(s.n, 4);
  EXPECT_EQ(s.missing, 0);
  EXPECT_THAT(s.mean, Optional(2.5));
  EXPECT_THAT(s.standard_deviation, Optional(DoubleNear(std::sqrt(5.0 / 3), 1e-15)));
  EXPECT_THAT(s.median, Optional(2.5));
  EXPECT_THAT(s.q1, Optional(1.75));
  EXPECT_THAT(s.q3, Optional(3.25));
  EXPECT_THAT(s.min, Optional(1.0));
  EXPECT_THAT(s.max, Optional(4.0));
  ASSERT_TRUE(s.mean_ci.has_value());
  const double half = kT975Df3 * std::sqrt(5.0 / 3) / 2;
  EXPECT_NEAR(s.mean_ci->low, 2.5 - half, 1e-14);
  EXPECT_NEAR(s.mean_ci->high, 2.5 + half, 1e-14);
}

TEST(ValueCountsTest, QuartilesOfOneToTen) {
  // statistics.quantiles(range(1, 11), n=4, method='inclusive') == [3.25, 5.5, 7.75]
  absl::StatusOr<ValueCounts> counts = ValueCounts::ForRange(0, 10);
  ASSERT_TRUE(counts.ok());
  for (int v = 10; v >= 1; --v) counts->Add(v);
  NumericSummary s = counts->Summarize();
  EXPECT_THAT(s.q1, Optional(3.25));
  EXPECT_THAT(s.median, Optional(5.5));
  EXPECT_THAT(s.q3, Optional(7.75));
}

TEST(ValueCountsTest, NoAnswersHasNoFigures) {
  ValueCounts counts = Likert(5, {});
  for (int i = 0; i < 7; ++i) counts.AddMissing();
  NumericSummary s = counts.Summarize();
  EXPECT_EQ(s.n, 0);
  EXPECT_EQ(s.missing, 7);
  EXPECT_FALSE(s.mean || s.standard_deviation || s.min || s.max || s.median || s.q1 || s.q3 ||
               s.mean_ci);
  // The declared range is still listed, with no percentages.
  std::vector<ValueShare> shares = counts.Distribution();
  ASSERT_EQ(shares.size(), 5u);
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(shares[i].value, i + 1);
    EXPECT_EQ(shares[i].count, 0);
    EXPECT_FALSE(shares[i].percent.has_value());
  }
  EXPECT_FALSE(counts.TopTwoBoxPercent(5).has_value());
  EXPECT_FALSE(counts.NetPromoterScore().has_value());
}

TEST(ValueCountsTest, OneAnswerHasNoSpreadOrInterval) {
  NumericSummary s = Likert(7, {6}).Summarize();
  EXPECT_EQ(s.n, 1);
  EXPECT_THAT(s.mean, Optional(6.0));
  EXPECT_THAT(s.median, Optional(6.0));
  EXPECT_THAT(s.q1, Optional(6.0));
  EXPECT_THAT(s.q3, Optional(6.0));
  EXPECT_FALSE(s.standard_deviation.has_value());
  EXPECT_FALSE(s.mean_ci.has_value());
}

TEST(ValueCountsTest, AllIdenticalHaveZeroSpreadAndAZeroWidthInterval) {
  NumericSummary s = Likert(5, std::vector<int64_t>(1000, 4)).Summarize();
  EXPECT_THAT(s.mean, Optional(4.0));
  EXPECT_THAT(s.standard_deviation, Optional(0.0));
  ASSERT_TRUE(s.mean_ci.has_value());
  EXPECT_EQ(s.mean_ci->low, 4.0);
  EXPECT_EQ(s.mean_ci->high, 4.0);
  EXPECT_THAT(s.q1, Optional(4.0));
  EXPECT_THAT(s.q3, Optional(4.0));
}

TEST(ValueCountsTest, TiesForTheMedian) {
  EXPECT_THAT(Likert(5, {1, 1, 2, 2}).Summarize().median, Optional(1.5));
  EXPECT_THAT(Likert(5, {2, 2, 2, 3}).Summarize().median, Optional(2.0));
  EXPECT_THAT(Likert(5, {1, 5}).Summarize().median, Optional(3.0));
  // Two halves far apart: 1,1,1,5,5,5 -> median 3, Q1 at 1.25 -> 1, Q3 at 3.75 -> 5.
  NumericSummary s = Likert(5, {5, 1, 5, 1, 5, 1}).Summarize();
  EXPECT_THAT(s.median, Optional(3.0));
  EXPECT_THAT(s.q1, Optional(1.0));
  EXPECT_THAT(s.q3, Optional(5.0));
}

TEST(ValueCountsTest, DistributionListsTheWholeRangeInOrder) {
  ValueCounts counts = Likert(5, {5, 5, 4, 1});
  EXPECT_THAT(counts.Distribution(),
              ElementsAre(Share(1, 1, 25.0), Share(2, 0, 0.0), Share(3, 0, 0.0), Share(4, 1, 25.0),
                          Share(5, 2, 50.0)));
  EXPECT_EQ(counts.Count(5), 2);
  EXPECT_EQ(counts.Count(3), 0);
  EXPECT_EQ(counts.Count(99), 0);
}

TEST(ValueCountsTest, ValuesOutsideTheRangeAreCountedInTheirPlace) {
  ValueCounts counts = Likert(3, {2, 9, -4, 9});
  EXPECT_THAT(counts.Distribution(),
              ElementsAre(Share(-4, 1), Share(1, 0), Share(2, 1), Share(3, 0), Share(9, 2)));
  NumericSummary s = counts.Summarize();
  EXPECT_THAT(s.min, Optional(-4.0));
  EXPECT_THAT(s.max, Optional(9.0));
  EXPECT_THAT(s.mean, Optional(4.0));
  EXPECT_THAT(s.median, Optional(5.5));
}

TEST(ValueCountsTest, WithoutARangeListsOnlyWhatOccurs) {
  ValueCounts counts;
  for (int64_t v : {40, 0, 40, 12, 1000000}) counts.Add(v);
  EXPECT_THAT(counts.Distribution(), ElementsAre(Share(0, 1, 20.0), Share(12, 1, 20.0),
                                                 Share(40, 2, 40.0), Share(1000000, 1, 20.0)));
  NumericSummary s = counts.Summarize();
  EXPECT_THAT(s.median, Optional(40.0));
  EXPECT_THAT(s.q1, Optional(12.0));
  EXPECT_THAT(s.q3, Optional(40.0));
}

TEST(ValueCountsTest, LargeValuesKeepAnExactMean) {
  // 3e15 + {1, 2}: a running double sum would round; the exact sum gives 3000000000000001.5.
  ValueCounts counts;
  counts.Add(3000000000000001);
  counts.Add(3000000000000002);
  EXPECT_THAT(counts.Summarize().mean, Optional(3000000000000001.5));
  EXPECT_THAT(counts.Summarize().standard_deviation, Optional(DoubleNear(std::sqrt(0.5), 1e-15)));
}

TEST(ValueCountsTest, RangeErrors) {
  absl::StatusOr<ValueCounts> empty = ValueCounts::ForRange(5, 1);
  EXPECT_EQ(empty.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(empty.status().message(), HasSubstr("5..1 is empty"));
  absl::StatusOr<ValueCounts> huge = ValueCounts::ForRange(0, 1000000);
  EXPECT_EQ(huge.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(huge.status().message(), HasSubstr("more than 4096 values"));
  EXPECT_TRUE(ValueCounts::ForRange(1, ValueCounts::kMaxRangeValues).ok());
  EXPECT_FALSE(ValueCounts::ForRange(0, ValueCounts::kMaxRangeValues).ok());
  const int64_t min = std::numeric_limits<int64_t>::min();
  const int64_t max = std::numeric_limits<int64_t>::max();
  EXPECT_FALSE(ValueCounts::ForRange(min, max).ok());
  absl::StatusOr<ValueCounts> top = ValueCounts::ForRange(max - 1, max);
  ASSERT_TRUE(top.ok());
  top->Add(max);
  top->Add(min);  // far outside, counted sparsely
  EXPECT_EQ(top->Count(max), 1);
  EXPECT_EQ(top->Count(min), 1);
}

TEST(ValueCountsTest, TopTwoBox) {
  ValueCounts counts = Likert(5, {5, 4, 3, 2, 1, 5});
  EXPECT_THAT(counts.TopTwoBoxPercent(5), Optional(50.0));
  ValueCounts seven = Likert(7, {7, 6, 5, 5});
  EXPECT_THAT(seven.TopTwoBoxPercent(7), Optional(50.0));
}

TEST(ValueCountsTest, NetPromoterScore) {
  absl::StatusOr<ValueCounts> rating = ValueCounts::ForRange(0, 10);
  ASSERT_TRUE(rating.ok());
  for (int64_t v : {10, 9, 8, 7, 6, 0, 10}) rating->Add(v);
  // 3 promoters, 2 detractors of 7: 100 / 7.
  EXPECT_THAT(rating->NetPromoterScore(), Optional(DoubleNear(100.0 / 7, 1e-12)));
  absl::StatusOr<ValueCounts> passives = ValueCounts::ForRange(0, 10);
  passives->Add(7);
  passives->Add(8);
  EXPECT_THAT(passives->NetPromoterScore(), Optional(0.0));
  absl::StatusOr<ValueCounts> detractors = ValueCounts::ForRange(0, 10);
  for (int v = 0; v <= 6; ++v) detractors->Add(v);
  EXPECT_THAT(detractors->NetPromoterScore(), Optional(-100.0));
}

TEST(ValueCountsTest, MergeEqualsAddingEverything) {
  ValueCounts a = Likert(5, {1, 2, 2, 5});
  a.AddMissing();
  ValueCounts b = Likert(5, {3, 5, 5});
  b.AddMissing();
  b.AddMissing();
  ValueCounts other_range;  // no declared range
  other_range.Add(4);
  other_range.Add(9);
  a.Merge(b);
  a.Merge(other_range);
  ValueCounts all = Likert(5, {1, 2, 2, 5, 3, 5, 5, 4, 9});
  NumericSummary merged = a.Summarize();
  NumericSummary expected = all.Summarize();
  EXPECT_EQ(merged.n, 9);
  EXPECT_EQ(merged.missing, 3);
  EXPECT_EQ(merged.mean, expected.mean);
  EXPECT_EQ(merged.standard_deviation, expected.standard_deviation);
  EXPECT_EQ(merged.median, expected.median);
  EXPECT_EQ(merged.q1, expected.q1);
  EXPECT_EQ(merged.q3, expected.q3);
  EXPECT_EQ(a.Distribution().size(), 6u);  // 1..5 and 9
  a.Merge(a);
  EXPECT_EQ(a.n(), 18);
  EXPECT_EQ(a.Count(5), 6);
}

// --- Moments and the exact path for reals

TEST(MomentsTest, MatchesTheExactPath) {
  const std::vector<double> values = {2.5, -1.25, 7.0, 3.5, 3.5, 0.125};
  Moments moments;
  for (double v : values) moments.Add(v);
  moments.AddMissing();
  NumericSummary streaming = moments.Summarize();
  NumericSummary exact = SummarizeValues(values, 1);
  EXPECT_EQ(streaming.n, 6);
  EXPECT_EQ(streaming.missing, 1);
  EXPECT_EQ(exact.missing, 1);
  EXPECT_THAT(streaming.mean, Optional(DoubleNear(15.375 / 6, 1e-15)));
  EXPECT_THAT(exact.mean, Optional(15.375 / 6));
  EXPECT_THAT(streaming.standard_deviation, Optional(DoubleNear(*exact.standard_deviation, 1e-15)));
  EXPECT_THAT(streaming.min, Optional(-1.25));
  EXPECT_THAT(streaming.max, Optional(7.0));
  EXPECT_FALSE(streaming.median || streaming.q1 || streaming.q3);
  // Sorted: -1.25 0.125 2.5 3.5 3.5 7; Q1 at 1.25: 0.125 + 0.25 * 2.375; Q3 at 3.75: 3.5.
  EXPECT_THAT(exact.median, Optional(3.0));
  EXPECT_THAT(exact.q1, Optional(0.71875));
  EXPECT_THAT(exact.q3, Optional(3.5));
}

TEST(MomentsTest, MergeIsChansFormula) {
  Moments left;
  Moments right;
  Moments all;
  for (int i = 0; i < 100; ++i) {
    const double v = std::sin(i) * 10 + 1e6;
    (i % 3 == 0 ? left : right).Add(v);
    all.Add(v);
  }
  right.AddMissing();
  Moments empty;
  left.Merge(empty);
  empty.Merge(left);
  empty.Merge(right);
  NumericSummary merged = empty.Summarize();
  NumericSummary expected = all.Summarize();
  EXPECT_EQ(merged.n, 100);
  EXPECT_EQ(merged.missing, 1);
  EXPECT_THAT(merged.mean, Optional(DoubleNear(*expected.mean, 1e-9)));
  EXPECT_THAT(merged.standard_deviation, Optional(DoubleNear(*expected.standard_deviation, 1e-9)));
  EXPECT_EQ(merged.min, expected.min);
  EXPECT_EQ(merged.max, expected.max);
}

TEST(MomentsTest, EdgeCases) {
  Moments none;
  none.AddMissing();
  NumericSummary s = none.Summarize();
  EXPECT_EQ(s.n, 0);
  EXPECT_EQ(s.missing, 1);
  EXPECT_FALSE(s.mean || s.standard_deviation || s.min || s.max || s.mean_ci);

  Moments one;
  one.Add(3.25);
  s = one.Summarize();
  EXPECT_THAT(s.mean, Optional(3.25));
  EXPECT_FALSE(s.standard_deviation || s.mean_ci);

  Moments same;
  for (int i = 0; i < 1001; ++i) same.Add(0.1);
  s = same.Summarize();
  EXPECT_THAT(s.mean, Optional(0.1));
  EXPECT_THAT(s.standard_deviation, Optional(0.0));
  EXPECT_EQ(s.mean_ci->low, 0.1);
  EXPECT_EQ(s.mean_ci->high, 0.1);
}

TEST(SummarizeValuesTest, EdgeCases) {
  NumericSummary s = SummarizeValues({}, 4);
  EXPECT_EQ(s.n, 0);
  EXPECT_EQ(s.missing, 4);
  EXPECT_FALSE(s.mean || s.median || s.q1 || s.q3 || s.min || s.max);

  s = SummarizeValues({2.75});
  EXPECT_THAT(s.median, Optional(2.75));
  EXPECT_THAT(s.q1, Optional(2.75));
  EXPECT_THAT(s.q3, Optional(2.75));
  EXPECT_FALSE(s.standard_deviation || s.mean_ci);

  s = SummarizeValues(std::vector<double>(1001, 0.1));
  EXPECT_THAT(s.mean, Optional(0.1));
  EXPECT_THAT(s.standard_deviation, Optional(0.0));
  EXPECT_EQ(s.mean_ci->low, 0.1);
  EXPECT_EQ(s.mean_ci->high, 0.1);

  s = SummarizeValues({1, 2, 3, 4});
  EXPECT_THAT(s.median, Optional(2.5));
  EXPECT_THAT(s.q1, Optional(1.75));
  EXPECT_THAT(s.q3, Optional(3.25));
}

TEST(MeanConfidenceIntervalTest, Cases) {
  std::optional<ConfidenceInterval> ci = MeanConfidenceInterval(10, 2, 3);
  ASSERT_TRUE(ci.has_value());
  EXPECT_NEAR(ci->low, 10 - kT975Df2 * 2 / std::sqrt(3.0), 1e-13);
  EXPECT_NEAR(ci->high, 10 + kT975Df2 * 2 / std::sqrt(3.0), 1e-13);
  EXPECT_FALSE(MeanConfidenceInterval(10, 2, 1).has_value());
  EXPECT_FALSE(MeanConfidenceInterval(10, 2, 5, 1.0).has_value());
  EXPECT_FALSE(MeanConfidenceInterval(10, 2, 5, 0.0).has_value());
  EXPECT_FALSE(MeanConfidenceInterval(10, -1, 5).has_value());
  EXPECT_FALSE(MeanConfidenceInterval(10, std::nan(""), 5).has_value());
  // A million answers: t with 999999 degrees of freedom, within 2.4e-6 of the normal quantile.
  ci = MeanConfidenceInterval(0, 1, 1000000);
  EXPECT_NEAR(ci->high * 1000, StudentTQuantile(0.975, 999999), 1e-15);
  EXPECT_NEAR(ci->high * 1000, kNormal975, 2.4e-6);
}

// --- Student's t

TEST(StudentTTest, ClosedForms) {
  for (double p : {0.6, 0.9, 0.95, 0.975, 0.995, 0.9995, 0.999999}) {
    SCOPED_TRACE(p);
    // df = 1 (Cauchy): tan(pi (p - 1/2)) = 1 / tan(pi (1 - p)), 1 - p being exact.
    const double cauchy = 1 / std::tan(M_PI * (1 - p));
    EXPECT_NEAR(StudentTQuantile(p, 1), cauchy, 1e-13 * cauchy);
    // df = 2: (2p - 1) / sqrt(2 p (1 - p)).
    const double two = (2 * p - 1) / std::sqrt(2 * p * (1 - p));
    EXPECT_NEAR(StudentTQuantile(p, 2), two, 1e-13 * two);
    // df = 4: with a = 4 p (1 - p) and q = cos(acos(sqrt(a)) / 3) / sqrt(a), 2 sqrt(q - 1).
    const double a = 4 * p * (1 - p);
    const double q = std::cos(std::acos(std::sqrt(a)) / 3) / std::sqrt(a);
    const double four = 2 * std::sqrt(q - 1);
    EXPECT_NEAR(StudentTQuantile(p, 4), four, 1e-12 * four);
    // Symmetry.
    EXPECT_EQ(StudentTQuantile(1 - p, 7), -StudentTQuantile(p, 7));
  }
  EXPECT_NEAR(StudentTQuantile(0.975, 2), kT975Df2, 1e-15 * kT975Df2);
  EXPECT_NEAR(StudentTQuantile(0.975, 3), kT975Df3, 1e-15 * kT975Df3);
  // The normal limit (t - z is about 2.4 / df).
  EXPECT_NEAR(StudentTQuantile(0.975, 1e17), kNormal975, 1e-15 * kNormal975);
  EXPECT_NEAR(StudentTQuantile(0.975, 1e12), kNormal975 + 2.3727e-12, 1e-15);
  EXPECT_EQ(StudentTQuantile(0.5, 3), 0);
  EXPECT_TRUE(std::isnan(StudentTQuantile(0, 3)));
  EXPECT_TRUE(std::isnan(StudentTQuantile(1, 3)));
  EXPECT_TRUE(std::isnan(StudentTQuantile(0.9, 0)));
}

TEST(StudentTTest, Cdf) {
  // df = 1: 1/2 + atan(t) / pi; df = 2: 1/2 + t / (2 sqrt(2 + t^2)); for t < 0 rewritten
  // without the cancellation, as atan(1 / |t|) / pi and 1 / (r (r + |t|)) with r = sqrt(2 + t^2).
  for (double t : {-30.0, -3.0, -0.5, 0.0, 0.25, 1.0, 2.0, 12.0}) {
    SCOPED_TRACE(t);
    const double r = std::sqrt(2 + t * t);
    const double cauchy = t < 0 ? std::atan(-1 / t) / M_PI : 0.5 + std::atan(t) / M_PI;
    EXPECT_NEAR(StudentTCdf(t, 1), cauchy, 1e-14 * cauchy);
    const double two = t < 0 ? 1 / (r * (r - t)) : 0.5 + t / (2 * r);
    EXPECT_NEAR(StudentTCdf(t, 2), two, 1e-14 * two);
  }
  // The far tail keeps its relative accuracy: P(T < -30) for df = 1 is atan(1/30) / pi.
  EXPECT_NEAR(StudentTCdf(-30, 1), std::atan(1.0 / 30) / M_PI, 1e-15 * 0.0106);
  for (double df : {1.5, 3.0, 10.0, 57.0, 1000.0}) {
    EXPECT_NEAR(StudentTCdf(StudentTQuantile(0.975, df), df), 0.975, 1e-15);
  }
  EXPECT_TRUE(std::isnan(StudentTCdf(1, -1)));
}

// --- PairedScores and the Wilcoxon test

PairedScores Gains(const std::vector<double>& gains, double max_score = 100) {
  PairedScores scores(max_score);
  for (double gain : gains) EXPECT_TRUE(scores.Add(0, gain).ok());
  return scores;
}

TEST(PairedScoresTest, SmallExample) {
  PairedScores scores(10);
  ASSERT_TRUE(scores.Add(2, 5).ok());
  ASSERT_TRUE(scores.Add(3, 5).ok());
  ASSERT_TRUE(scores.Add(4, 5).ok());
  PairedSummary s = scores.Summarize();
  EXPECT_EQ(s.pairs, 3);
  EXPECT_THAT(s.mean_pre, Optional(3.0));
  EXPECT_THAT(s.mean_post, Optional(5.0));
  EXPECT_THAT(s.mean_gain, Optional(2.0));
  // Gains 3, 2, 1: sd 1.
  ASSERT_TRUE(s.gain_ci.has_value());
  EXPECT_NEAR(s.gain_ci->low, 2 - kT975Df2 / std::sqrt(3.0), 1e-14);
  EXPECT_NEAR(s.gain_ci->high, 2 + kT975Df2 / std::sqrt(3.0), 1e-14);
  EXPECT_THAT(s.normalized_gain, Optional(DoubleNear(2.0 / 7, 1e-15)));
  // All gains positive, n = 3: R+ = 6 is the top of 0..6, P = 2 / 8.
  ASSERT_TRUE(s.wilcoxon.has_value());
  EXPECT_TRUE(s.wilcoxon->exact);
  EXPECT_EQ(s.wilcoxon->statistic, 0);
  EXPECT_EQ(s.wilcoxon->p_value, 0.25);
}

TEST(PairedScoresTest, ScipyDocumentationExample) {
  // scipy.stats.wilcoxon's docstring: Darwin's corn, (24.0, 0.041259765625), exact.
  PairedScores scores = Gains({6, 8, 14, 16, 23, 24, 28, 29, 41, -48, 49, 56, 60, -67, 75}, 100);
  PairedSummary s = scores.Summarize();
  ASSERT_TRUE(s.wilcoxon.has_value());
  EXPECT_TRUE(s.wilcoxon->exact);
  EXPECT_EQ(s.wilcoxon->statistic, 24);
  EXPECT_EQ(s.wilcoxon->p_value, 0.041259765625);
}

TEST(PairedScoresTest, ZerosSwitchToTheNormalApproximation) {
  // Gains 0, 1, 2, 3: the zero is dropped; R+ = 6, R- = 0, mean 3, variance 3 * 4 * 7 / 24.
  PairedSummary s = Gains({0, 1, 2, 3}).Summarize();
  ASSERT_TRUE(s.wilcoxon.has_value());
  EXPECT_FALSE(s.wilcoxon->exact);
  EXPECT_EQ(s.wilcoxon->statistic, 0);
  EXPECT_NEAR(s.wilcoxon->p_value, std::erfc(3 / std::sqrt(3.5) / std::sqrt(2.0)), 1e-15);
  EXPECT_NEAR(s.wilcoxon->p_value, 0.10880943004054568, 1e-15);  // SciPy 1.10
}

TEST(PairedScoresTest, TiesInTheExactBranchTruncateTheRankSum) {
  // Gains 1, -1, 2: ranks 1.5, 1.5, 3; R+ = 4.5 -> 4 as SciPy truncates; P(R+ >= 4) = 3/8.
  // (scipy.stats.wilcoxon(post, pre) gives 0.75; wilcoxon(pre, post) gives 0.5.)
  PairedSummary s = Gains({1, -1, 2}).Summarize();
  ASSERT_TRUE(s.wilcoxon.has_value());
  EXPECT_TRUE(s.wilcoxon->exact);
  EXPECT_EQ(s.wilcoxon->statistic, 1.5);
  EXPECT_EQ(s.wilcoxon->p_value, 0.75);
}

TEST(PairedScoresTest, MoreThanFiftyPairsUseTheApproximation) {
  std::vector<double> gains;
  for (int i = 1; i <= 51; ++i) gains.push_back(i % 4 == 0 ? -i : i);
  PairedSummary s = Gains(gains).Summarize();
  ASSERT_TRUE(s.wilcoxon.has_value());
  EXPECT_FALSE(s.wilcoxon->exact);
  gains.pop_back();
  s = Gains(gains).Summarize();
  EXPECT_TRUE(s.wilcoxon->exact);
}

TEST(PairedScoresTest, EdgeCases) {
  PairedSummary none = PairedScores(10).Summarize();
  EXPECT_EQ(none.pairs, 0);
  EXPECT_FALSE(none.mean_pre || none.mean_post || none.mean_gain || none.gain_ci ||
               none.normalized_gain || none.wilcoxon);

  PairedSummary one = Gains({2}, 10).Summarize();
  EXPECT_THAT(one.mean_gain, Optional(2.0));
  EXPECT_FALSE(one.gain_ci.has_value());
  EXPECT_THAT(one.wilcoxon, Optional(testing::Field(&WilcoxonResult::p_value, 1.0)));

  // Every difference zero: no test (SciPy raises), a gain of 0 with a zero-width interval.
  PairedSummary zeros = Gains({0, 0, 0, 0, 0}, 10).Summarize();
  EXPECT_THAT(zeros.mean_gain, Optional(0.0));
  EXPECT_EQ(zeros.gain_ci->low, 0);
  EXPECT_EQ(zeros.gain_ci->high, 0);
  EXPECT_FALSE(zeros.wilcoxon.has_value());

  // The same gain for everyone.
  PairedSummary same = Gains(std::vector<double>(12, 0.1), 10).Summarize();
  EXPECT_THAT(same.mean_gain, Optional(0.1));
  EXPECT_EQ(same.gain_ci->low, 0.1);
  EXPECT_EQ(same.gain_ci->high, 0.1);

  // Mean pre at the maximum: no normalised gain.
  PairedScores top(10);
  ASSERT_TRUE(top.Add(10, 8).ok());
  ASSERT_TRUE(top.Add(10, 10).ok());
  EXPECT_FALSE(top.Summarize().normalized_gain.has_value());
}

TEST(PairedScoresTest, RejectsNonFiniteScores) {
  PairedScores scores(10);
  absl::Status status = scores.Add(std::nan(""), 3);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("finite"));
  EXPECT_FALSE(scores.Add(1, std::numeric_limits<double>::infinity()).ok());
  EXPECT_FALSE(scores.Add(-1e308, 1e308).ok());  // the difference overflows
  EXPECT_EQ(scores.pairs(), 0);
}

TEST(PairedScoresTest, MergeEqualsAddingEverything) {
  PairedScores a = Gains({1, -2, 0, 3}, 10);
  PairedScores b = Gains({3, 3, -1}, 10);
  a.Merge(b);
  PairedSummary merged = a.Summarize();
  PairedSummary expected = Gains({1, -2, 0, 3, 3, 3, -1}, 10).Summarize();
  EXPECT_EQ(merged.pairs, 7);
  EXPECT_EQ(merged.mean_gain, expected.mean_gain);
  EXPECT_EQ(merged.gain_ci->low, expected.gain_ci->low);
  EXPECT_EQ(merged.wilcoxon->p_value, expected.wilcoxon->p_value);
  a.Merge(a);
  EXPECT_EQ(a.pairs(), 14);
}

}  // namespace
}  // namespace convene::aggregation
