#include "services/aggregation/statistics.h"

#include <math.h>  // lgamma_r: std::lgamma may write the global signgam

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <utility>
#include <vector>

#include "absl/numeric/int128.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace convene::aggregation {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInfinity = std::numeric_limits<double>::infinity();
constexpr double kEpsilon = std::numeric_limits<double>::epsilon();
constexpr double kLogSqrtTwoPi = 0.918938533204672741780329736406;  // log(sqrt(2 pi))

// --- Compensated summation

// Neumaier's variant of Kahan summation: `sum + compensation` carries about twice the precision of
// a plain running sum, whatever the order of magnitude of the terms.
void CompensatedAdd(double& sum, double& compensation, double value) {
  const double total = sum + value;
  if (std::abs(sum) >= std::abs(value)) {
    compensation += (sum - total) + value;
  } else {
    compensation += (value - total) + sum;
  }
  sum = total;
}

// --- Special functions

double LogGamma(double x) {
  int sign = 0;
  return ::lgamma_r(x, &sign);
}

// lgamma(x) - [(x - 1/2) log x - x + log sqrt(2 pi)] for x >= 10: Stirling's series through x^-13;
// the first term left out is below 3e-17 there.
double StirlingCorrection(double x) {
  const double r = 1 / x;
  const double r2 = r * r;
  return r * (1.0 / 12 +
              r2 * (-1.0 / 360 +
                    r2 * (1.0 / 1260 +
                          r2 * (-1.0 / 1680 +
                                r2 * (1.0 / 1188 + r2 * (-691.0 / 360360 + r2 * (1.0 / 156)))))));
}

// log B(a, b) for a, b > 0. When an argument is large, lgamma(a) + lgamma(b) - lgamma(a + b)
// subtracts numbers near a log a from each other and loses the digits that the tail probabilities
// of Student's t (a = df / 2 up to millions) need; Stirling's formula with its large terms
// cancelled by hand keeps them.
double LogBeta(double a, double b) {
  const double small = std::min(a, b);
  const double big = std::max(a, b);
  const double sum = a + b;
  if (big < 10) return LogGamma(a) + LogGamma(b) - LogGamma(sum);
  if (small < 10) {
    // lgamma(big) - lgamma(sum) = -(big - 1/2) log(1 + small/big) - small log(sum) + small
    //                             + correction(big) - correction(sum)
    return LogGamma(small) - (big - 0.5) * std::log1p(small / big) - small * std::log(sum) + small +
           StirlingCorrection(big) - StirlingCorrection(sum);
  }
  return kLogSqrtTwoPi - (a - 0.5) * std::log1p(b / a) - (b - 0.5) * std::log1p(a / b) -
         0.5 * std::log(sum) + StirlingCorrection(a) + StirlingCorrection(b) -
         StirlingCorrection(sum);
}

// The continued fraction of the regularised incomplete beta function,
//   I_x(a, b) = x^a (1 - x)^b / (a B(a, b)) * BetaContinuedFraction(a, b, x),
// evaluated by the modified Lentz method (Numerical Recipes' betacf). It converges quickly for
// x < (a + 1) / (a + b + 2), in O(sqrt(max(a, b))) terms at worst.
double BetaContinuedFraction(double a, double b, double x) {
  constexpr double kTiny = 1e-300;
  const int max_terms = static_cast<int>(std::min(1e7, 1000 + 50 * std::sqrt(std::max(a, b))));
  const double sum = a + b;
  double c = 1;
  double d = 1 - sum * x / (a + 1);
  if (std::abs(d) < kTiny) d = kTiny;
  d = 1 / d;
  double h = d;
  for (int m = 1; m <= max_terms; ++m) {
    const double m2 = 2.0 * m;
    // The even step.
    double term = m * (b - m) * x / ((a - 1 + m2) * (a + m2));
    d = 1 + term * d;
    if (std::abs(d) < kTiny) d = kTiny;
    c = 1 + term / c;
    if (std::abs(c) < kTiny) c = kTiny;
    d = 1 / d;
    h *= d * c;
    // The odd step.
    term = -(a + m) * (sum + m) * x / ((a + m2) * (a + 1 + m2));
    d = 1 + term * d;
    if (std::abs(d) < kTiny) d = kTiny;
    c = 1 + term / c;
    if (std::abs(c) < kTiny) c = kTiny;
    d = 1 / d;
    const double delta = d * c;
    h *= delta;
    if (std::abs(delta - 1) <= kEpsilon) break;
  }
  return h;
}

// P(T > t) for Student's t with df degrees of freedom and t >= 0:
//   0.5 I_x(df/2, 1/2) with x = df / (df + t^2),
// where x and 1 - x are both formed from r = t^2 / df without cancellation, and the continued
// fraction is taken on whichever side of the incomplete beta function converges fast.
double StudentTUpperTail(double t, double df) {
  if (t == 0) return 0.5;
  const double r = t / df * t;
  if (std::isinf(r)) return 0;
  const double a = df / 2;
  constexpr double b = 0.5;
  const double x = 1 / (1 + r);
  const double y = r / (1 + r);
  const double log1p_r = std::log1p(r);
  const double front = std::exp(-a * log1p_r + b * (std::log(r) - log1p_r) - LogBeta(a, b));
  if (x < (a + 1) / (a + b + 2)) return 0.5 * front * BetaContinuedFraction(a, b, x) / a;
  return 0.5 * (1 - front * BetaContinuedFraction(b, a, y) / b);
}

double StudentTDensity(double t, double df) {
  return std::exp(-(df + 1) / 2 * std::log1p(t / df * t) - LogBeta(df / 2, 0.5)) / std::sqrt(df);
}

// The z with P(Z > z) = q for a standard normal Z, 0 < q < 0.5: Acklam's rational approximation
// (relative error 1.2e-9) polished by Halley steps to full double precision.
double NormalUpperQuantile(double q) {
  static constexpr double a[] = {-3.969683028665376e+01, 2.209460984245205e+02,
                                 -2.759285104469687e+02, 1.383577518672690e+02,
                                 -3.066479806614716e+01, 2.506628277459239e+00};
  static constexpr double b[] = {-5.447609879822406e+01, 1.615858368580409e+02,
                                 -1.556989798598866e+02, 6.680131188771972e+01,
                                 -1.328068155288572e+01};
  static constexpr double c[] = {-7.784894002430293e-03, -3.223964580411365e-01,
                                 -2.400758277161838e+00, -2.549732539343734e+00,
                                 4.374664141464968e+00,  2.938163982698783e+00};
  static constexpr double d[] = {7.784695709041462e-03, 3.224671290700398e-01,
                                 2.445134137142996e+00, 3.754408661907416e+00};
  double x;  // the lower quantile of order q, negative
  if (q < 0.02425) {
    const double s = std::sqrt(-2 * std::log(q));
    x = (((((c[0] * s + c[1]) * s + c[2]) * s + c[3]) * s + c[4]) * s + c[5]) /
        ((((d[0] * s + d[1]) * s + d[2]) * s + d[3]) * s + 1);
  } else {
    const double s = q - 0.5;
    const double r = s * s;
    x = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * s /
        (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
  }
  for (int i = 0; i < 2; ++i) {
    const double error = 0.5 * std::erfc(-x * M_SQRT1_2) - q;
    const double u = error * std::sqrt(2 * M_PI) * std::exp(x * x / 2);
    x -= u / (1 + x * u / 2);
  }
  return -x;
}

// The t >= 0 with P(T > t) = q, 0 < q < 0.5. The Cornish-Fisher expansion of t in powers of
// 1 / df around the normal quantile z (Abramowitz and Stegun 26.7.5, with the fifth term) is the
// answer itself for df >= max(1000, 60 z^2): the terms shrink like (z^2 / df)^k, and the first one
// left out is below 1e-15 of t there (checked against mpmath). Elsewhere it is the
// starting point of Newton steps on the tail probability, which fall back to bisection whenever a
// step leaves the bracket. (For large df the continued fraction of the tail loses digits, which is
// why the expansion takes over.)
double StudentTUpperQuantile(double q, double df) {
  const double z = NormalUpperQuantile(q);
  const double z2 = z * z;
  const double g1 = (z2 + 1) * z / 4;
  const double g2 = ((5 * z2 + 16) * z2 + 3) * z / 96;
  const double g3 = (((3 * z2 + 19) * z2 + 17) * z2 - 15) * z / 384;
  const double g4 = ((((79 * z2 + 776) * z2 + 1482) * z2 - 1920) * z2 - 945) * z / 92160;
  const double g5 =
      (((((27 * z2 + 339) * z2 + 930) * z2 - 1782) * z2 - 765) * z2 + 17955) * z / 368640;
  double t = z + (g1 + (g2 + (g3 + (g4 + g5 / df) / df) / df) / df) / df;
  if (df >= 1000 && df >= 60 * z2) return t;
  if (!(t > 0) || std::isinf(t)) t = z;

  double lo = 0;          // P(T > lo) > q
  double hi = kInfinity;  // P(T > hi) < q
  for (int i = 0; i < 400; ++i) {
    const double tail = StudentTUpperTail(t, df);
    if (tail == q) return t;
    if (tail > q) {
      lo = t;
    } else {
      hi = t;
    }
    double next = t + (tail - q) / StudentTDensity(t, df);
    if (!(next > lo && next < hi)) next = std::isinf(hi) ? 2 * lo + 1 : lo + (hi - lo) / 2;
    if (std::abs(next - t) <= 2 * kEpsilon * next) return next;
    if (!std::isinf(hi) && hi - lo <= 2 * kEpsilon * hi) return next;
    t = next;
  }
  return t;
}

// --- Order statistics shared by the exact paths

// The quartile i (1 or 3) of n >= 2 sorted values, as statistics.quantiles(data, n=4,
// method='inclusive') computes it: j, delta = divmod(i (n - 1), 4), then
// (x[j] (4 - delta) + x[j + 1] delta) / 4. `at(k)` is the k-th smallest value (from 0); for
// whole numbers it is an int128 so that the weighted sum is exact, as in Python.
template <typename At>
double InclusiveQuartile(int64_t n, int i, At at) {
  const int64_t position = i * (n - 1);
  const int64_t j = position / 4;
  const int64_t delta = position % 4;
  if (delta == 0) return static_cast<double>(at(j));
  return static_cast<double>(at(j) * (4 - delta) + at(j + 1) * delta) / 4;
}

// statistics.median of n >= 1 sorted values.
template <typename At>
double Median(int64_t n, At at) {
  if (n % 2 == 1) return static_cast<double>(at(n / 2));
  return static_cast<double>(at(n / 2 - 1) + at(n / 2)) / 2;
}

// --- Wilcoxon signed-rank test

// The tie group of one |difference| value, in ascending order of |difference|.
struct RankGroup {
  int64_t positive = 0;
  int64_t negative = 0;
};

// Number of subsets of {1, ..., n} with each sum 0 .. n (n + 1) / 2: the exact null distribution
// of the positive rank sum, times 2^n. Exact in 64 bits for n <= 62; used for n <= 50.
std::vector<uint64_t> SignedRankCounts(int n) {
  std::vector<uint64_t> counts(n * (n + 1) / 2 + 1, 0);
  counts[0] = 1;
  int top = 0;
  for (int k = 1; k <= n; ++k) {
    top += k;
    for (int s = top; s >= k; --s) counts[s] += counts[s - k];
  }
  return counts;
}

// scipy.stats.wilcoxon(post, pre) with SciPy 1.10's defaults (see WilcoxonResult in the header),
// from the tie groups of |d| > 0 in ascending order (`positive` counts d > 0, so d = post - pre)
// and the number of zero differences.
std::optional<WilcoxonResult> Wilcoxon(const std::vector<RankGroup>& groups, int64_t zeros) {
  int64_t nonzero = 0;
  for (const RankGroup& group : groups) nonzero += group.positive + group.negative;
  const int64_t total = nonzero + zeros;
  if (total == 0) return std::nullopt;  // SciPy: NaN
  // method='auto' picks exact for len(d) <= 50, counted before zeros are dropped, then switches
  // to the approximation if there is any zero.
  const bool exact = total <= 50 && zeros == 0;
  if (!exact && nonzero == 0) return std::nullopt;  // SciPy raises ValueError

  // Average ranks of |d| over the non-zero differences (ranks are multiples of 0.5, exact).
  double rank_plus = 0;
  double rank_minus = 0;
  absl::int128 tie_sum = 0;  // sum of t (t^2 - 1) over tie groups of size t
  int64_t below = 0;
  for (const RankGroup& group : groups) {
    const int64_t size = group.positive + group.negative;
    const double rank = static_cast<double>(below) + (static_cast<double>(size) + 1) / 2;
    rank_plus += static_cast<double>(group.positive) * rank;
    rank_minus += static_cast<double>(group.negative) * rank;
    if (size > 1) tie_sum += absl::int128(size) * (absl::int128(size) * size - 1);
    below += size;
  }

  WilcoxonResult result;
  result.statistic = std::min(rank_plus, rank_minus);
  result.exact = exact;
  if (exact) {
    const int n = static_cast<int>(total);
    const std::vector<uint64_t> counts = SignedRankCounts(n);
    // SciPy: r_plus = int(r_plus), which truncates a rank sum of x.5 (ties) to x.
    const int64_t r = static_cast<int64_t>(rank_plus);
    if (r == static_cast<int64_t>(counts.size() - 1) / 2) {
      result.p_value = 1;
    } else {
      uint64_t at_most = 0;
      uint64_t at_least = 0;
      for (int64_t s = 0; s < static_cast<int64_t>(counts.size()); ++s) {
        if (s <= r) at_most += counts[s];
        if (s >= r) at_least += counts[s];
      }
      // Every partial sum is a whole number below 2^51: the division by 2^n is exact, as SciPy's
      // sums of dyadic probabilities are.
      result.p_value = std::min(1.0, std::ldexp(2.0 * std::min(at_most, at_least), -n));
    }
    return result;
  }
  const double count = static_cast<double>(nonzero);
  const double mean = count * (count + 1.0) * 0.25;
  double variance = count * (count + 1.0) * (2.0 * count + 1.0);
  variance -= 0.5 * static_cast<double>(tie_sum);
  const double se = std::sqrt(variance / 24);
  const double z = (result.statistic - mean) / se;
  // 2 P(Z > |z|).
  result.p_value = std::erfc(std::abs(z) * M_SQRT1_2);
  return result;
}

}  // namespace

// --- ValueCounts

absl::StatusOr<ValueCounts> ValueCounts::ForRange(int64_t lo, int64_t hi) {
  if (lo > hi) {
    return absl::InvalidArgumentError(absl::StrCat("range ", lo, "..", hi, " is empty"));
  }
  const uint64_t span = static_cast<uint64_t>(hi) - static_cast<uint64_t>(lo);
  if (span >= static_cast<uint64_t>(kMaxRangeValues)) {
    return absl::InvalidArgumentError(
        absl::StrCat("range ", lo, "..", hi, " has more than ", kMaxRangeValues, " values"));
  }
  ValueCounts counts;
  counts.lo_ = lo;
  counts.dense_.assign(span + 1, 0);
  return counts;
}

void ValueCounts::Merge(const ValueCounts& other) {
  for (const auto& [value, count] : other.Entries()) {
    const uint64_t index = static_cast<uint64_t>(value) - static_cast<uint64_t>(lo_);
    if (index < dense_.size()) {
      dense_[index] += count;
    } else {
      sparse_[value] += count;
    }
  }
  n_ += other.n_;
  missing_ += other.missing_;
}

int64_t ValueCounts::Count(int64_t value) const {
  const uint64_t index = static_cast<uint64_t>(value) - static_cast<uint64_t>(lo_);
  if (index < dense_.size()) return dense_[index];
  auto it = sparse_.find(value);
  return it == sparse_.end() ? 0 : it->second;
}

std::vector<std::pair<int64_t, int64_t>> ValueCounts::Entries() const {
  std::vector<std::pair<int64_t, int64_t>> entries;
  // Sparse values below the range, the range, then sparse values above it (with no declared
  // range the split point is arbitrary and the order still ascending).
  auto split = sparse_.lower_bound(lo_);
  entries.insert(entries.end(), sparse_.begin(), split);
  for (size_t i = 0; i < dense_.size(); ++i) {
    if (dense_[i] > 0) entries.emplace_back(lo_ + static_cast<int64_t>(i), dense_[i]);
  }
  entries.insert(entries.end(), split, sparse_.end());
  return entries;
}

NumericSummary ValueCounts::Summarize() const {
  NumericSummary summary;
  summary.n = n_;
  summary.missing = missing_;
  if (n_ == 0) return summary;
  const std::vector<std::pair<int64_t, int64_t>> entries = Entries();
  const double n = static_cast<double>(n_);

  // Exact sums, so that the mean is the correctly rounded quotient (as Python's), and the mean of
  // value - min, so that the deviations below lose nothing to the magnitude of the values (answers
  // near 1e12 with a spread of a few units keep every digit of their standard deviation).
  const int64_t lowest = entries.front().first;
  absl::int128 sum = 0;
  absl::int128 sum_above_lowest = 0;
  for (const auto& [value, count] : entries) {
    sum += absl::int128(value) * count;
    sum_above_lowest += (absl::int128(value) - lowest) * count;
  }
  const double mean = static_cast<double>(sum) / n;
  summary.mean = mean;
  if (n_ >= 2) {
    // The second pass: squared deviations from the mean, one term per distinct value.
    const double mean_above_lowest = static_cast<double>(sum_above_lowest) / n;
    double squares = 0;
    for (const auto& [value, count] : entries) {
      const double deviation =
          static_cast<double>(absl::int128(value) - lowest) - mean_above_lowest;
      squares += static_cast<double>(count) * deviation * deviation;
    }
    summary.standard_deviation = std::sqrt(squares / (n - 1));
    summary.mean_ci = MeanConfidenceInterval(mean, *summary.standard_deviation, n_);
  }
  summary.min = static_cast<double>(entries.front().first);
  summary.max = static_cast<double>(entries.back().first);

  // The k-th smallest answer (from 0), by walking the cumulative counts.
  auto at = [&entries](int64_t k) {
    for (const auto& [value, count] : entries) {
      if (k < count) return absl::int128(value);
      k -= count;
    }
    return absl::int128(entries.back().first);  // not reached for k < n
  };
  summary.median = Median(n_, at);
  if (n_ == 1) {
    summary.q1 = summary.q3 = summary.min;
  } else {
    summary.q1 = InclusiveQuartile(n_, 1, at);
    summary.q3 = InclusiveQuartile(n_, 3, at);
  }
  return summary;
}

std::vector<ValueShare> ValueCounts::Distribution() const {
  std::vector<ValueShare> shares;
  auto add = [&](int64_t value, int64_t count) {
    ValueShare share;
    share.value = value;
    share.count = count;
    if (n_ > 0) share.percent = 100.0 * static_cast<double>(count) / static_cast<double>(n_);
    shares.push_back(share);
  };
  auto split = sparse_.lower_bound(lo_);
  for (auto it = sparse_.begin(); it != split; ++it) add(it->first, it->second);
  for (size_t i = 0; i < dense_.size(); ++i) add(lo_ + static_cast<int64_t>(i), dense_[i]);
  for (auto it = split; it != sparse_.end(); ++it) add(it->first, it->second);
  return shares;
}

std::optional<double> ValueCounts::TopTwoBoxPercent(int64_t scale_max) const {
  if (n_ == 0) return std::nullopt;
  int64_t top = Count(scale_max);
  if (scale_max > std::numeric_limits<int64_t>::min()) top += Count(scale_max - 1);
  return 100.0 * static_cast<double>(top) / static_cast<double>(n_);
}

std::optional<double> ValueCounts::NetPromoterScore() const {
  if (n_ == 0) return std::nullopt;
  const int64_t promoters = Count(9) + Count(10);
  int64_t detractors = 0;
  for (int64_t value = 0; value <= 6; ++value) detractors += Count(value);
  return 100.0 * static_cast<double>(promoters - detractors) / static_cast<double>(n_);
}

// --- Moments

void Moments::Add(double value) {
  ++n_;
  if (n_ == 1) {
    shift_ = min_ = max_ = value;
    mean_ = m2_ = 0;
    return;
  }
  const double shifted = value - shift_;
  const double delta = shifted - mean_;
  mean_ += delta / static_cast<double>(n_);
  m2_ += delta * (shifted - mean_);
  min_ = std::min(min_, value);
  max_ = std::max(max_, value);
}

void Moments::Merge(const Moments& other) {
  missing_ += other.missing_;
  if (other.n_ == 0) return;
  if (n_ == 0) {
    n_ = other.n_;
    shift_ = other.shift_;
    mean_ = other.mean_;
    m2_ = other.m2_;
    min_ = other.min_;
    max_ = other.max_;
    return;
  }
  const double na = static_cast<double>(n_);
  const double nb = static_cast<double>(other.n_);
  const double n = na + nb;
  // The difference of the two means, with the shifts subtracted first (they are close).
  const double delta = (other.shift_ - shift_) + (other.mean_ - mean_);
  mean_ += delta * (nb / n);
  m2_ += other.m2_ + delta * delta * (na * nb / n);
  n_ += other.n_;
  min_ = std::min(min_, other.min_);
  max_ = std::max(max_, other.max_);
}

NumericSummary Moments::Summarize() const {
  NumericSummary summary;
  summary.n = n_;
  summary.missing = missing_;
  if (n_ == 0) return summary;
  const double mean = shift_ + mean_;
  summary.mean = mean;
  summary.min = min_;
  summary.max = max_;
  if (n_ >= 2) {
    summary.standard_deviation = std::sqrt(m2_ / static_cast<double>(n_ - 1));
    summary.mean_ci = MeanConfidenceInterval(mean, *summary.standard_deviation, n_);
  }
  return summary;
}

// --- The exact path for real values

NumericSummary SummarizeValues(std::vector<double> values, int64_t missing) {
  NumericSummary summary;
  summary.n = static_cast<int64_t>(values.size());
  summary.missing = missing;
  if (values.empty()) return summary;
  std::sort(values.begin(), values.end());
  const int64_t n = summary.n;
  double mean = values.front();
  double squares = 0;
  if (values.front() != values.back()) {
    double sum = 0;
    double compensation = 0;
    for (double value : values) CompensatedAdd(sum, compensation, value);
    mean = (sum + compensation) / static_cast<double>(n);
    // The deviations are taken from value - min, like ValueCounts does, so that values far from 0
    // with a small spread keep their digits.
    const double lowest = values.front();
    sum = compensation = 0;
    for (double value : values) CompensatedAdd(sum, compensation, value - lowest);
    const double mean_above_lowest = (sum + compensation) / static_cast<double>(n);
    for (double value : values) {
      const double deviation = (value - lowest) - mean_above_lowest;
      squares += deviation * deviation;
    }
  }
  summary.mean = mean;
  if (n >= 2) {
    summary.standard_deviation = std::sqrt(squares / static_cast<double>(n - 1));
    summary.mean_ci = MeanConfidenceInterval(mean, *summary.standard_deviation, n);
  }
  summary.min = values.front();
  summary.max = values.back();
  auto at = [&values](int64_t k) { return values[k]; };
  summary.median = Median(n, at);
  if (n == 1) {
    summary.q1 = summary.q3 = values.front();
  } else {
    summary.q1 = InclusiveQuartile(n, 1, at);
    summary.q3 = InclusiveQuartile(n, 3, at);
  }
  return summary;
}

std::optional<ConfidenceInterval> MeanConfidenceInterval(double mean, double sd, int64_t n,
                                                         double level) {
  if (n < 2 || !(level > 0 && level < 1) || !(sd >= 0) || std::isinf(sd)) return std::nullopt;
  const double t = StudentTUpperQuantile((1 - level) / 2, static_cast<double>(n - 1));
  const double half_width = t * sd / std::sqrt(static_cast<double>(n));
  return ConfidenceInterval{mean - half_width, mean + half_width};
}

// --- PairedScores

absl::Status PairedScores::Add(double pre, double post) {
  const double difference = post - pre;
  if (!std::isfinite(pre) || !std::isfinite(post) || !std::isfinite(difference)) {
    return absl::InvalidArgumentError(
        absl::StrCat("scores must be finite numbers, got pre ", pre, " and post ", post));
  }
  ++pairs_;
  CompensatedAdd(pre_sum_, pre_compensation_, pre);
  CompensatedAdd(post_sum_, post_compensation_, post);
  if (difference > 0) {
    ++by_difference_[difference].positive;
  } else if (difference < 0) {
    ++by_difference_[-difference].negative;
  } else {
    ++zeros_;
  }
  return absl::OkStatus();
}

void PairedScores::Merge(const PairedScores& other) {
  if (&other == this) {
    const PairedScores copy = other;
    Merge(copy);
    return;
  }
  pairs_ += other.pairs_;
  zeros_ += other.zeros_;
  CompensatedAdd(pre_sum_, pre_compensation_, other.pre_sum_);
  CompensatedAdd(pre_sum_, pre_compensation_, other.pre_compensation_);
  CompensatedAdd(post_sum_, post_compensation_, other.post_sum_);
  CompensatedAdd(post_sum_, post_compensation_, other.post_compensation_);
  for (const auto& [difference, counts] : other.by_difference_) {
    SignedCounts& mine = by_difference_[difference];
    mine.positive += counts.positive;
    mine.negative += counts.negative;
  }
}

PairedSummary PairedScores::Summarize() const {
  PairedSummary summary;
  summary.pairs = pairs_;
  if (pairs_ == 0) return summary;
  const double n = static_cast<double>(pairs_);
  const double mean_pre = (pre_sum_ + pre_compensation_) / n;
  const double mean_post = (post_sum_ + post_compensation_) / n;
  summary.mean_pre = mean_pre;
  summary.mean_post = mean_post;

  // The gain post - pre, from its distinct values: each |difference| stands for +|d| `positive`
  // times and -|d| `negative` times, and there are zeros_ zeros.
  int distinct = zeros_ > 0 ? 1 : 0;
  double sum = 0;
  double compensation = 0;
  double only = 0;  // the difference, when there is a single distinct one
  for (const auto& [difference, counts] : by_difference_) {
    if (counts.positive > 0) {
      ++distinct;
      only = difference;
    }
    if (counts.negative > 0) {
      ++distinct;
      only = -difference;
    }
    CompensatedAdd(sum, compensation,
                   static_cast<double>(counts.positive - counts.negative) * difference);
  }
  // All gains equal: the mean is that gain exactly and the deviation exactly 0.
  const double mean_gain = distinct == 1 ? only : (sum + compensation) / n;
  summary.mean_gain = mean_gain;
  if (pairs_ >= 2) {
    double squares = 0;
    if (distinct > 1) {
      squares = static_cast<double>(zeros_) * mean_gain * mean_gain;
      for (const auto& [difference, counts] : by_difference_) {
        const double above = difference - mean_gain;
        const double below = -difference - mean_gain;
        squares += static_cast<double>(counts.positive) * above * above +
                   static_cast<double>(counts.negative) * below * below;
      }
    }
    summary.gain_ci = MeanConfidenceInterval(mean_gain, std::sqrt(squares / (n - 1)), pairs_);
  }
  const double headroom = max_score_ - mean_pre;
  if (std::isfinite(max_score_) && headroom > 0) {
    summary.normalized_gain = (mean_post - mean_pre) / headroom;
  }

  std::vector<RankGroup> groups;
  groups.reserve(by_difference_.size());
  for (const auto& [difference, counts] : by_difference_) {
    groups.push_back(RankGroup{counts.positive, counts.negative});
  }
  summary.wilcoxon = Wilcoxon(groups, zeros_);
  return summary;
}

// --- Student's t

double StudentTCdf(double t, double df) {
  if (std::isnan(t) || !(df > 0)) return kNaN;
  if (t < 0) return StudentTUpperTail(-t, df);
  return 1 - StudentTUpperTail(t, df);
}

double StudentTQuantile(double p, double df) {
  if (!(p > 0 && p < 1) || !(df > 0)) return kNaN;
  if (p == 0.5) return 0;
  if (p < 0.5) return -StudentTUpperQuantile(p, df);
  return StudentTUpperQuantile(1 - p, df);  // 1 - p is exact for p >= 0.5
}

std::string FormatPValue(double p) {
  if (std::isnan(p)) return "–";
  if (p < 0.001) return "< 0.001";
  return absl::StrFormat("%.3f", p);
}

std::string PValueClause(double p) {
  const std::string value = FormatPValue(p);
  return absl::StrCat("p ", value[0] == '<' ? "" : "= ", value);
}

}  // namespace convene::aggregation
