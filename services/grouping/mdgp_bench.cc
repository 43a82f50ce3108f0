// mdgp-bench: runs the grouping solver on one MDGPLIB instance (or a synthetic workshop) within a
// time budget on one core, checks the result, and prints
//   objective=<value> feasible=<true|false> seconds=<used>
//
//   mdgp-bench --seconds=S [--seed=N] [--assignment_out=FILE] INSTANCE
//   mdgp-bench --seconds=S [--seed=N] --synthetic=N:G
//
// With --assignment_out the 0-based group of item i is written on line i+1, so that
// bench/mdgp/check_assignment.py can recompute the objective independently. --synthetic builds a
// workshop of N people with six categorical attributes (country, sector, gender, organisation,
// role, language; weights 3, 2, 1, 1, 1, 1) into G groups of sizes differing by at most one; the
// dissimilarity of two people is the weighted count of attributes on which they differ. The
// synthetic room is the same for every --seed.
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/time/time.h"
#include "services/grouping/mdgp.h"

ABSL_FLAG(double, seconds, 1.0, "Time budget of the search, in seconds.");
ABSL_FLAG(uint64_t, seed, 1, "Seed of the search.");
ABSL_FLAG(int64_t, max_iterations, 0, "Stop after this many local-search steps (0 = no limit).");
ABSL_FLAG(std::string, assignment_out, "", "Write the group (0-based) of item i on line i+1.");
ABSL_FLAG(std::string, synthetic, "", "N:G, solve a synthetic workshop of N people in G groups.");

namespace convene::grouping {
namespace {

absl::StatusOr<Problem> ReadInstance(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot open ", path));
  std::stringstream text;
  text << in.rdbuf();
  absl::StatusOr<Problem> problem = ParseMdgplib(text.str());
  if (!problem.ok()) {
    return absl::Status(problem.status().code(),
                        absl::StrCat(path, ": ", problem.status().message()));
  }
  return problem;
}

absl::StatusOr<Problem> SyntheticWorkshop(const std::string& spec) {
  std::vector<std::string> parts = absl::StrSplit(spec, ':');
  int n = 0;
  int groups = 0;
  if (parts.size() != 2 || !absl::SimpleAtoi(parts[0], &n) ||
      !absl::SimpleAtoi(parts[1], &groups) || n < 1 || groups < 1 || groups > n) {
    return absl::InvalidArgumentError("--synthetic must be N:G with 1 <= G <= N");
  }
  // Cardinalities and weights of country, sector, gender, organisation, role, language.
  const std::vector<int> values = {8, 5, 2, std::max(2, n / 5), 4, 5};
  const std::vector<double> weights = {3, 2, 1, 1, 1, 1};
  std::mt19937_64 rng(20241002);
  std::vector<std::vector<int>> people(n, std::vector<int>(values.size()));
  for (auto& person : people) {
    for (size_t a = 0; a < values.size(); ++a) {
      // Skewed: value k drawn with weight 1/(k+1), as real rooms have a few large countries.
      std::vector<double> p(values[a]);
      for (int k = 0; k < values[a]; ++k) p[k] = 1.0 / (k + 1);
      person[a] = std::discrete_distribution<int>(p.begin(), p.end())(rng);
    }
  }
  Problem problem;
  problem.num_items = n;
  problem.groups = EvenGroupBounds(n, groups);
  problem.dissimilarity.assign(static_cast<size_t>(n) * n, 0);
  for (int i = 0; i < n; ++i) {
    for (int j = 0; j < n; ++j) {
      double d = 0;
      for (size_t a = 0; a < values.size(); ++a) {
        if (people[i][a] != people[j][a]) d += weights[a];
      }
      problem.dissimilarity[static_cast<size_t>(i) * n + j] = i == j ? 0 : d;
    }
  }
  return problem;
}

int Run(const std::vector<char*>& args) {
  const std::string synthetic = absl::GetFlag(FLAGS_synthetic);
  if ((synthetic.empty() && args.size() != 2) || (!synthetic.empty() && args.size() != 1)) {
    std::cerr << absl::ProgramUsageMessage() << "\n";
    return 2;
  }
  absl::StatusOr<Problem> problem =
      synthetic.empty() ? ReadInstance(args[1]) : SyntheticWorkshop(synthetic);
  if (!problem.ok()) {
    std::cerr << "mdgp-bench: " << problem.status() << "\n";
    return 1;
  }
  SolveOptions options;
  options.seed = absl::GetFlag(FLAGS_seed);
  options.time_limit = absl::Seconds(absl::GetFlag(FLAGS_seconds));
  options.max_iterations = absl::GetFlag(FLAGS_max_iterations);
  absl::StatusOr<Solution> solution = Solve(*problem, options);
  if (!solution.ok()) {
    std::cerr << "mdgp-bench: " << solution.status() << "\n";
    return 1;
  }
  const bool feasible = CheckFeasible(*problem, solution->assignment).ok();
  const std::string out = absl::GetFlag(FLAGS_assignment_out);
  if (!out.empty()) {
    std::ofstream file(out);
    for (int group : solution->assignment) file << group << "\n";
    if (!file.good()) {
      std::cerr << "mdgp-bench: cannot write " << out << "\n";
      return 1;
    }
  }
  std::cout << absl::StrFormat("objective=%.6f feasible=%s seconds=%.3f\n",
                               ComputeObjective(*problem, solution->assignment),
                               feasible ? "true" : "false", solution->seconds);
  std::cerr << absl::StrFormat("iterations=%d\n", solution->iterations);
  return feasible ? 0 : 1;
}

}  // namespace
}  // namespace convene::grouping

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "mdgp-bench --seconds=S [--seed=N] [--assignment_out=FILE] INSTANCE\n"
      "       mdgp-bench --seconds=S [--seed=N] --synthetic=N:G");
  return convene::grouping::Run(absl::ParseCommandLine(argc, argv));
}
