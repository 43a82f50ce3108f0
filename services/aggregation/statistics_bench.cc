// aggregation_stats_bench: how cheap the streaming accumulators are. Adds N Likert answers (1..5,
// default N = 10,000,000) to a ValueCounts, and the same answers to a Moments, then summarises
// both, and prints the time of each, per answer, for N / 10 and N answers: the time per Add stays
// the same (Add is O(1)) and the summary time (the average of 1000 calls) does not grow with N: it
// reads the 5 counters.
//
//   aggregation_stats_bench [N]
//
// The answers are drawn beforehand from a fixed xorshift sequence into a byte array, so the timed
// loops do nothing but Add.
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "absl/strings/str_format.h"
#include "services/aggregation/statistics.h"

namespace convene::aggregation {
namespace {

using Clock = std::chrono::steady_clock;

// Summaries are timed as the average of this many calls.
constexpr int kSummaries = 1000;

double Seconds(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

std::vector<uint8_t> Answers(int64_t n) {
  std::vector<uint8_t> answers(n);
  uint64_t state = 0x2545f4914f6cdd1dULL;
  for (int64_t i = 0; i < n; ++i) {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    answers[i] = static_cast<uint8_t>(1 + (state >> 32) % 5);
  }
  return answers;
}

void Measure(const std::vector<uint8_t>& answers, int64_t n) {
  ValueCounts counts = *ValueCounts::ForRange(1, 5);
  Clock::time_point start = Clock::now();
  for (int64_t i = 0; i < n; ++i) counts.Add(answers[i]);
  const double add_seconds = Seconds(start);
  NumericSummary summary = counts.Summarize();  // once untimed: the first call pays cold caches
  start = Clock::now();
  for (int i = 0; i < kSummaries; ++i) summary = counts.Summarize();
  const double summary_seconds = Seconds(start) / kSummaries;

  Moments moments;
  start = Clock::now();
  for (int64_t i = 0; i < n; ++i) moments.Add(answers[i]);
  const double moments_seconds = Seconds(start);
  NumericSummary moments_summary = moments.Summarize();
  start = Clock::now();
  for (int i = 0; i < kSummaries; ++i) moments_summary = moments.Summarize();
  const double moments_summary_seconds = Seconds(start) / kSummaries;

  absl::PrintF("n=%d\n", n);
  absl::PrintF(
      "  ValueCounts: add %.3f s (%.2f ns/answer), summary %.1f us: mean %.6f sd %.6f median %g "
      "Q1 %g Q3 %g\n",
      add_seconds, add_seconds * 1e9 / n, summary_seconds * 1e6, *summary.mean,
      *summary.standard_deviation, *summary.median, *summary.q1, *summary.q3);
  absl::PrintF("  Moments:     add %.3f s (%.2f ns/answer), summary %.1f us: mean %.6f sd %.6f\n",
               moments_seconds, moments_seconds * 1e9 / n, moments_summary_seconds * 1e6,
               *moments_summary.mean, *moments_summary.standard_deviation);
}

}  // namespace
}  // namespace convene::aggregation

int main(int argc, char** argv) {
  int64_t n = 10000000;
  if (argc > 1) n = std::atoll(argv[1]);
  if (n < 10) {
    std::fprintf(stderr, "usage: aggregation_stats_bench [N >= 10]\n");
    return 2;
  }
  const std::vector<uint8_t> answers = convene::aggregation::Answers(n);
  convene::aggregation::Measure(answers, n / 10);
  convene::aggregation::Measure(answers, n);
  return 0;
}
