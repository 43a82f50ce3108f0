// Every figure of statistics.h against an independent reference: Python's statistics module,
// SciPy 1.10 and NumPy, run by testdata/statistics_reference.py (Debian's python3-scipy) on data
// sets generated here deterministically: Likert 1..5 and 1..7, 0..10 ratings, whole numbers with
// and without a declared range, reals (offset, tiny, mixed signs, many ties), pre/post pairs with
// and without ties and zero differences, and the edge cases of issue 6 (no responses, one
// response, all identical, ties for the median, all missing). Each figure must agree to 1e-9
// relative (1e-12 absolute near 0), and absent figures must be absent on both sides.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"
#include "services/aggregation/statistics.h"

namespace convene::aggregation {
namespace {

constexpr double kRelativeTolerance = 1e-9;
constexpr double kAbsoluteTolerance = 1e-12;

// Figures by name; an empty optional is a figure that does not exist (printed "none").
using Figures = std::map<std::string, std::optional<double>>;

// --- Deterministic data (SplitMix64: the same numbers on every platform, unlike <random>'s
// distributions)

class Generator {
 public:
  explicit Generator(uint64_t seed) : state_(seed) {}

  uint64_t Next() {
    uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  // Uniform in lo..hi (the modulo bias is irrelevant here).
  int64_t Between(int64_t lo, int64_t hi) {
    return lo + static_cast<int64_t>(Next() % static_cast<uint64_t>(hi - lo + 1));
  }
  // Uniform in [0, 1).
  double Unit() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }
  // A value of lo..hi drawn with the given weights (one per value).
  int64_t Weighted(int64_t lo, const std::vector<int>& weights) {
    int total = 0;
    for (int w : weights) total += w;
    int64_t pick = Between(0, total - 1);
    for (size_t i = 0; i < weights.size(); ++i) {
      if (pick < weights[i]) return lo + static_cast<int64_t>(i);
      pick -= weights[i];
    }
    return lo;
  }

 private:
  uint64_t state_;
};

std::string Number(double value) { return absl::StrFormat("%.17g", value); }

// --- What the C++ code says, in the reference's vocabulary

void AddSummary(const NumericSummary& s, bool with_order_statistics, Figures& figures) {
  figures["n"] = static_cast<double>(s.n);
  figures["mean"] = s.mean;
  figures["sd"] = s.standard_deviation;
  figures["min"] = s.min;
  figures["max"] = s.max;
  if (with_order_statistics) {
    figures["median"] = s.median;
    figures["q1"] = s.q1;
    figures["q3"] = s.q3;
  }
  figures["ci_low"] = std::nullopt;
  figures["ci_high"] = std::nullopt;
  if (s.mean_ci) {
    figures["ci_low"] = s.mean_ci->low;
    figures["ci_high"] = s.mean_ci->high;
  }
}

Figures FiguresOf(const ValueCounts& counts, bool ranged, bool nps, int64_t scale_max) {
  Figures figures;
  AddSummary(counts.Summarize(), true, figures);
  for (const ValueShare& share : counts.Distribution()) {
    figures[absl::StrCat("count:", share.value)] = static_cast<double>(share.count);
    figures[absl::StrCat("percent:", share.value)] = share.percent;
  }
  if (ranged) figures["top_two_box"] = counts.TopTwoBoxPercent(scale_max);
  if (nps) figures["nps"] = counts.NetPromoterScore();
  return figures;
}

Figures FiguresOf(const PairedSummary& s) {
  Figures figures;
  figures["pairs"] = static_cast<double>(s.pairs);
  figures["mean_pre"] = s.mean_pre;
  figures["mean_post"] = s.mean_post;
  figures["mean_gain"] = s.mean_gain;
  figures["gain_ci_low"] = std::nullopt;
  figures["gain_ci_high"] = std::nullopt;
  if (s.gain_ci) {
    figures["gain_ci_low"] = s.gain_ci->low;
    figures["gain_ci_high"] = s.gain_ci->high;
  }
  figures["normalized_gain"] = s.normalized_gain;
  figures["wilcoxon_statistic"] = std::nullopt;
  figures["wilcoxon_p"] = std::nullopt;
  if (s.wilcoxon) {
    figures["wilcoxon_statistic"] = s.wilcoxon->statistic;
    figures["wilcoxon_p"] = s.wilcoxon->p_value;
  }
  return figures;
}

// One data set: its line for the script, and the figures of each C++ path that computes it. The
// first path must give exactly the reference's figures; the others (Moments, merges) a subset.
struct Dataset {
  std::string id;
  std::string line;
  std::vector<std::pair<std::string, Figures>> paths;
};

class Datasets {
 public:
  // Whole-number answers; lo > hi means no declared range. Checked through ValueCounts (whole,
  // and merged from three parts), Moments and SummarizeValues.
  void Ints(const std::string& id, int64_t lo, int64_t hi, const std::vector<int64_t>& values,
            int missing = 0) {
    const bool ranged = lo <= hi;
    Dataset d;
    d.id = id;
    d.line =
        ranged ? absl::StrCat("ints ", id, " ", lo, " ", hi) : absl::StrCat("ints ", id, " - -");
    for (int64_t v : values) absl::StrAppend(&d.line, " ", v);
    auto make = [&] {
      if (ranged) return *ValueCounts::ForRange(lo, hi);
      return ValueCounts();
    };
    const bool nps = ranged && lo == 0 && hi == 10;
    ValueCounts whole = make();
    ValueCounts parts[3] = {make(), ValueCounts(), make()};
    Moments moments;
    Moments moment_parts[3];
    std::vector<double> reals;
    for (size_t i = 0; i < values.size(); ++i) {
      whole.Add(values[i]);
      parts[i % 3].Add(values[i]);
      moments.Add(static_cast<double>(values[i]));
      moment_parts[(i * 7) % 3].Add(static_cast<double>(values[i]));
      reals.push_back(static_cast<double>(values[i]));
    }
    for (int i = 0; i < missing; ++i) whole.AddMissing();
    EXPECT_EQ(whole.missing(), missing);
    d.paths.emplace_back("ValueCounts", FiguresOf(whole, ranged, nps, hi));
    ValueCounts merged = make();
    for (const ValueCounts& part : parts) merged.Merge(part);
    d.paths.emplace_back("ValueCounts merged", FiguresOf(merged, ranged, nps, hi));
    Figures streaming;
    AddSummary(moments.Summarize(), false, streaming);
    d.paths.emplace_back("Moments", streaming);
    Moments moments_merged;
    for (const Moments& part : moment_parts) moments_merged.Merge(part);
    Figures streaming_merged;
    AddSummary(moments_merged.Summarize(), false, streaming_merged);
    d.paths.emplace_back("Moments merged", streaming_merged);
    Figures exact;
    AddSummary(SummarizeValues(reals), true, exact);
    d.paths.emplace_back("SummarizeValues", exact);
    datasets_.push_back(std::move(d));
  }

  // Real-valued answers: SummarizeValues, Moments and Moments merged from parts.
  void Reals(const std::string& id, const std::vector<double>& values) {
    Dataset d;
    d.id = id;
    d.line = absl::StrCat("reals ", id);
    Moments moments;
    Moments parts[4];
    for (size_t i = 0; i < values.size(); ++i) {
      absl::StrAppend(&d.line, " ", Number(values[i]));
      moments.Add(values[i]);
      parts[i % 4].Add(values[i]);
    }
    Figures exact;
    AddSummary(SummarizeValues(values), true, exact);
    d.paths.emplace_back("SummarizeValues", exact);
    Figures streaming;
    AddSummary(moments.Summarize(), false, streaming);
    d.paths.emplace_back("Moments", streaming);
    Moments merged;
    for (const Moments& part : parts) merged.Merge(part);
    Figures streaming_merged;
    AddSummary(merged.Summarize(), false, streaming_merged);
    d.paths.emplace_back("Moments merged", streaming_merged);
    datasets_.push_back(std::move(d));
  }

  // Pre/post pairs: PairedScores, whole and merged from two parts.
  void Pairs(const std::string& id, double max_score,
             const std::vector<std::pair<double, double>>& pairs) {
    Dataset d;
    d.id = id;
    d.line = absl::StrCat("pairs ", id, " ", Number(max_score));
    PairedScores whole(max_score);
    PairedScores first(max_score);
    PairedScores second(max_score);
    for (size_t i = 0; i < pairs.size(); ++i) {
      absl::StrAppend(&d.line, " ", Number(pairs[i].first), " ", Number(pairs[i].second));
      EXPECT_TRUE(whole.Add(pairs[i].first, pairs[i].second).ok());
      EXPECT_TRUE((i % 2 == 0 ? first : second).Add(pairs[i].first, pairs[i].second).ok());
    }
    d.paths.emplace_back("PairedScores", FiguresOf(whole.Summarize()));
    first.Merge(second);
    d.paths.emplace_back("PairedScores merged", FiguresOf(first.Summarize()));
    datasets_.push_back(std::move(d));
  }

  void TQuantile(const std::string& id, double p, double df) {
    Dataset d;
    d.id = id;
    d.line = absl::StrCat("tq ", id, " ", Number(p), " ", Number(df));
    d.paths.emplace_back("StudentTQuantile", Figures{{"t", StudentTQuantile(p, df)}});
    datasets_.push_back(std::move(d));
  }

  const std::vector<Dataset>& all() const { return datasets_; }

 private:
  std::vector<Dataset> datasets_;
};

void Generate(Datasets& sets) {
  Generator g(20240924);
  const std::vector<int> sizes = {1,  2,  3,  4,  5,  6,  7,   8,   9,    10,  11,
                                  12, 13, 17, 25, 42, 99, 100, 101, 1000, 9999};
  // Likert: uniform, skewed to agreement, polarised.
  for (int points : {5, 7}) {
    const std::vector<std::vector<int>> shapes =
        points == 5
            ? std::vector<std::vector<int>>{{1, 1, 1, 1, 1}, {1, 2, 4, 10, 6}, {6, 1, 0, 1, 5}}
            : std::vector<std::vector<int>>{
                  {1, 1, 1, 1, 1, 1, 1}, {0, 1, 2, 3, 8, 12, 5}, {5, 1, 0, 0, 0, 2, 6}};
    for (size_t shape = 0; shape < shapes.size(); ++shape) {
      for (int n : sizes) {
        std::vector<int64_t> values;
        for (int i = 0; i < n; ++i) values.push_back(g.Weighted(1, shapes[shape]));
        sets.Ints(absl::StrCat("likert", points, "_shape", shape, "_n", n), 1, points, values,
                  n % 3);
      }
    }
    // Edge cases: no responses (all missing), one response, all identical, median ties.
    sets.Ints(absl::StrCat("likert", points, "_all_missing"), 1, points, {}, 12);
    sets.Ints(absl::StrCat("likert", points, "_no_responses"), 1, points, {});
    sets.Ints(absl::StrCat("likert", points, "_one"), 1, points, {points});
    for (int n : {2, 3, 37, 1000}) {
      sets.Ints(absl::StrCat("likert", points, "_identical_n", n), 1, points,
                std::vector<int64_t>(n, 4));
    }
    sets.Ints(absl::StrCat("likert", points, "_median_tie_pair"), 1, points, {1, 1, 2, 2});
    sets.Ints(absl::StrCat("likert", points, "_median_tie_halves"), 1, points,
              {points, 1, points, 1, points, 1, points, 1});
    sets.Ints(absl::StrCat("likert", points, "_median_tie_block"), 1, points,
              {2, 3, 3, 3, 3, 3, 3, 4});
  }
  // 0..10 ratings, for the net promoter score.
  for (int n : {1, 2, 3, 5, 10, 42, 100, 1000, 10000}) {
    std::vector<int64_t> values;
    for (int i = 0; i < n; ++i) values.push_back(g.Weighted(0, {1, 0, 1, 1, 1, 2, 3, 5, 8, 9, 7}));
    sets.Ints(absl::StrCat("rating_n", n), 0, 10, values, n % 4);
  }
  sets.Ints("rating_no_responses", 0, 10, {}, 5);
  sets.Ints("rating_all_promoters", 0, 10, {10, 9, 10, 10, 9});
  sets.Ints("rating_all_detractors", 0, 10, {0, 6, 3, 1});
  sets.Ints("rating_passives", 0, 10, {7, 8, 8, 7});
  sets.Ints("rating_one", 0, 10, {0});
  // Whole numbers: a declared range (hours 0..80), none (sparse), big values, negatives.
  for (int n : {5, 32, 500}) {
    std::vector<int64_t> values;
    for (int i = 0; i < n; ++i) values.push_back(g.Between(0, 80));
    sets.Ints(absl::StrCat("hours_n", n), 0, 80, values);
  }
  for (int n : {3, 50, 2000}) {
    std::vector<int64_t> values;
    for (int i = 0; i < n; ++i) values.push_back(g.Between(-1000, 1000000));
    sets.Ints(absl::StrCat("sparse_n", n), 1, 0, values);
  }
  {
    std::vector<int64_t> values;
    for (int i = 0; i < 300; ++i) values.push_back(1000000000000 + g.Between(0, 20));
    sets.Ints("big_values", 1, 0, values);
  }
  sets.Ints("sparse_one", 1, 0, {-7});
  sets.Ints("sparse_none", 1, 0, {}, 3);
  // Reals.
  for (int n : {1, 2, 3, 4, 5, 10, 101, 1000, 10000}) {
    std::vector<double> uniform, offset, tiny, mixed, ties;
    for (int i = 0; i < n; ++i) {
      uniform.push_back(std::round(g.Unit() * 100000) / 1000);
      double normal = 0;
      for (int k = 0; k < 12; ++k) normal += g.Unit();
      offset.push_back(1e6 + (normal - 6) * 3);
      tiny.push_back(g.Unit() * 1e-7);
      mixed.push_back((g.Unit() - 0.5) * 2e3);
      ties.push_back(std::round(g.Unit() * 8) / 2);
    }
    sets.Reals(absl::StrCat("real_uniform_n", n), uniform);
    sets.Reals(absl::StrCat("real_offset_n", n), offset);
    sets.Reals(absl::StrCat("real_tiny_n", n), tiny);
    sets.Reals(absl::StrCat("real_mixed_n", n), mixed);
    sets.Reals(absl::StrCat("real_ties_n", n), ties);
  }
  sets.Reals("real_none", {});
  sets.Reals("real_identical_n2", {0.1, 0.1});
  sets.Reals("real_identical_n1001", std::vector<double>(1001, 0.1));
  sets.Reals("real_median_tie", {2.5, 1.5, 2.5, 2.5, 7.25, 1.5});
  // Pairs: whole-point quiz scores with ties and zeros; ties but no zeros (the exact branch with a
  // truncated rank sum); distinct differences (truly exact); real scores; the edge cases.
  for (int n : {1, 2, 3, 5, 8, 10, 15, 20, 30, 42, 49, 50, 51, 60, 100, 500}) {
    std::vector<std::pair<double, double>> quiz, no_zero, distinct, real, worse;
    for (int i = 0; i < n; ++i) {
      const double pre = static_cast<double>(g.Between(0, 14));
      quiz.emplace_back(pre, std::min(20.0, pre + static_cast<double>(g.Between(-3, 7))));
      double gain = static_cast<double>(g.Between(-4, 8));
      if (gain == 0) gain = 2;
      no_zero.emplace_back(pre, pre + gain);
      const double sign = g.Between(0, 3) == 0 ? -1 : 1;
      distinct.emplace_back(pre, pre + sign * (i + 0.25));
      const double real_pre = std::round(g.Unit() * 6000) / 100;
      real.emplace_back(real_pre, std::min(100.0, real_pre + std::round(g.Unit() * 3000) / 100));
      worse.emplace_back(pre + 5, pre + 5 - static_cast<double>(g.Between(0, 3)));
    }
    sets.Pairs(absl::StrCat("quiz_n", n), 20, quiz);
    sets.Pairs(absl::StrCat("quiz_no_zero_n", n), 20, no_zero);
    sets.Pairs(absl::StrCat("quiz_distinct_n", n), 200, distinct);
    sets.Pairs(absl::StrCat("percent_n", n), 100, real);
    sets.Pairs(absl::StrCat("worse_n", n), 20, worse);
  }
  sets.Pairs("pairs_none", 10, {});
  sets.Pairs("pairs_one", 10, {{4, 7}});
  sets.Pairs("pairs_one_zero", 10, {{4, 4}});
  for (int n : {1, 5, 60}) {
    sets.Pairs(absl::StrCat("pairs_all_zero_n", n), 10,
               std::vector<std::pair<double, double>>(n, {6, 6}));
    sets.Pairs(absl::StrCat("pairs_same_gain_n", n), 10,
               std::vector<std::pair<double, double>>(n, {3, 5}));
  }
  sets.Pairs("pairs_pre_at_max", 10, {{10, 8}, {10, 10}, {10, 9}});
  sets.Pairs("pairs_one_zero_among_ten", 10,
             {{1, 2}, {2, 4}, {3, 3}, {1, 5}, {0, 3}, {4, 3}, {2, 8}, {5, 9}, {1, 1.5}, {2, 2.5}});
  sets.Pairs("scipy_docstring", 100,
             {{0, 6},
              {0, 8},
              {0, 14},
              {0, 16},
              {0, 23},
              {0, 24},
              {0, 28},
              {0, 29},
              {0, 41},
              {0, -48},
              {0, 49},
              {0, 56},
              {0, 60},
              {0, -67},
              {0, 75}});
  // Student t quantiles.
  for (double p : {0.9, 0.95, 0.975, 0.995, 0.9995}) {
    for (double df : {1.0, 2.0, 3.0, 4.0, 5.0, 7.0, 10.0, 20.0, 29.0, 30.0, 49.0, 99.0, 100.0,
                      999.0, 1000.0, 9999.0, 1e5, 999999.0}) {
      sets.TQuantile(absl::StrCat("t_p", p, "_df", df), p, df);
    }
  }
}

// --- Running the reference

std::string SourceDir() {
  if (const char* dir = std::getenv("CONVENE_SOURCE_DIR"); dir != nullptr && *dir != '\0') {
    return dir;
  }
  absl::string_view file = __FILE__;
  absl::ConsumeSuffix(&file, "services/aggregation/statistics_reference_test.cc");
  return file.empty() ? "." : std::string(file);
}

std::string ShellQuote(absl::string_view text) {
  return absl::StrCat("'", absl::StrReplaceAll(text, {{"'", "'\\''"}}), "'");
}

std::string TempPath(absl::string_view name) {
  return absl::StrCat(::testing::TempDir(), "/aggregation_reference_", getpid(), "_", name);
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// Exit status of a shell command whose stdout and stderr go to the given files.
int RunShell(const std::string& command, const std::string& out, const std::string& err) {
  const int status =
      std::system(absl::StrCat(command, " >", ShellQuote(out), " 2>", ShellQuote(err)).c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// The first of $CONVENE_PYTHON3, python3 on PATH and Debian's /usr/bin/python3 that can import
// SciPy and NumPy (a python3 from pyenv or a virtualenv does not see Debian's packages).
std::string Python() {
  std::vector<std::string> candidates;
  if (const char* env = std::getenv("CONVENE_PYTHON3"); env != nullptr && *env != '\0') {
    candidates.push_back(env);
  }
  candidates.push_back("python3");
  candidates.push_back("/usr/bin/python3");
  const std::string sink = TempPath("probe.txt");
  for (const std::string& candidate : candidates) {
    if (RunShell(absl::StrCat(candidate, " -c 'import scipy, numpy'"), sink, sink) == 0) {
      std::remove(sink.c_str());
      return candidate;
    }
  }
  std::remove(sink.c_str());
  return "python3";  // the script then says that SciPy is missing
}

bool Close(double a, double b) {
  if (a == b) return true;
  const double difference = std::abs(a - b);
  return difference <= kAbsoluteTolerance ||
         difference <= kRelativeTolerance * std::max(std::abs(a), std::abs(b));
}

std::string Show(const std::optional<double>& value) {
  return value ? Number(*value) : std::string("none");
}

TEST(StatisticsReferenceTest, EveryFigureAgreesWithPythonAndScipy) {
  Datasets sets;
  Generate(sets);

  const std::string input = TempPath("input.txt");
  const std::string output = TempPath("output.txt");
  const std::string errors = TempPath("errors.txt");
  {
    std::ofstream out(input, std::ios::binary);
    for (const Dataset& d : sets.all()) out << d.line << "\n";
  }
  const std::string script = SourceDir() + "/services/aggregation/testdata/statistics_reference.py";
  const int status = RunShell(
      absl::StrCat(Python(), " ", ShellQuote(script), " ", ShellQuote(input)), output, errors);
  ASSERT_EQ(status, 0) << "the reference failed (is Debian's python3-scipy installed? "
                       << "deploy/install-deps.sh installs it):\n"
                       << ReadFile(errors);

  std::map<std::string, Figures> reference;
  for (absl::string_view line : absl::StrSplit(ReadFile(output), '\n', absl::SkipEmpty())) {
    std::vector<std::string> fields = absl::StrSplit(line, ' ');
    ASSERT_EQ(fields.size(), 3u) << line;
    std::optional<double> value;
    if (fields[2] != "none") {
      double parsed = 0;
      ASSERT_TRUE(absl::SimpleAtod(fields[2], &parsed)) << line;
      value = parsed;
    }
    reference[fields[0]][fields[1]] = value;
  }

  int compared = 0;
  double worst = 0;
  std::string worst_at;
  for (const Dataset& d : sets.all()) {
    SCOPED_TRACE(d.id);
    auto found = reference.find(d.id);
    ASSERT_NE(found, reference.end()) << "no reference figures";
    const Figures& expected = found->second;
    for (size_t path = 0; path < d.paths.size(); ++path) {
      const auto& [name, figures] = d.paths[path];
      if (path == 0) {
        // The main path has exactly the reference's figures.
        for (const auto& [key, value] : expected) {
          EXPECT_TRUE(figures.count(key)) << name << " has no " << key;
        }
      }
      for (const auto& [key, value] : figures) {
        auto want = expected.find(key);
        if (want == expected.end()) {
          ADD_FAILURE() << name << ": the reference has no " << key;
          continue;
        }
        ++compared;
        if (value.has_value() != want->second.has_value()) {
          ADD_FAILURE() << name << " " << key << ": " << Show(value) << ", reference "
                        << Show(want->second);
          continue;
        }
        if (!value) continue;
        EXPECT_TRUE(Close(*value, *want->second))
            << name << " " << key << ": " << Show(value) << ", reference " << Show(want->second);
        const double scale = std::max(std::abs(*value), std::abs(*want->second));
        const double relative = scale == 0 ? 0 : std::abs(*value - *want->second) / scale;
        if (std::abs(*value - *want->second) > kAbsoluteTolerance && relative > worst) {
          worst = relative;
          worst_at = absl::StrCat(d.id, " ", name, " ", key);
        }
      }
    }
  }
  std::cout << "compared " << compared << " figures of " << sets.all().size()
            << " data sets; largest relative difference " << worst << " (" << worst_at << ")\n";
  std::remove(input.c_str());
  std::remove(output.c_str());
  std::remove(errors.c_str());
}

}  // namespace
}  // namespace convene::aggregation
