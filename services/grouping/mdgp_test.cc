#include "services/grouping/mdgp.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "services/common/testing/status_matchers.h"

namespace convene::grouping {
namespace {

using ::convene::testing::IsOk;
using ::convene::testing::StatusIs;
using ::testing::HasSubstr;

Problem RandomProblem(int n, std::vector<GroupBounds> groups, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> value(0, 100);
  Problem problem;
  problem.num_items = n;
  problem.groups = std::move(groups);
  problem.dissimilarity.assign(static_cast<size_t>(n) * n, 0);
  for (int i = 0; i < n; ++i) {
    for (int j = i + 1; j < n; ++j) {
      const double d = std::round(value(rng) * 1000) / 1000;
      problem.dissimilarity[i * n + j] = problem.dissimilarity[j * n + i] = d;
    }
  }
  return problem;
}

SolveOptions Budget(int64_t iterations, uint64_t seed = 1) {
  SolveOptions options;
  options.seed = seed;
  options.max_iterations = iterations;
  return options;
}

std::vector<int> Sizes(const std::vector<int>& assignment, int num_groups) {
  std::vector<int> sizes(num_groups, 0);
  for (int g : assignment) ++sizes[g];
  return sizes;
}

// ---------------------------------------------------------------------------------------------
// Objective and incremental gains against brute force.

double BruteSum(const Problem& problem, const std::vector<int>& assignment, int item, int group) {
  double sum = 0;
  for (int j = 0; j < problem.num_items; ++j) {
    if (j != item && assignment[j] == group) sum += problem.d(item, j);
  }
  return sum;
}

TEST(ComputeObjectiveTest, SumsPairsInsideGroups) {
  Problem problem;
  problem.num_items = 4;
  problem.groups = EvenGroupBounds(4, 2);
  problem.dissimilarity = {0, 1, 2, 3,  //
                           1, 0, 4, 5,  //
                           2, 4, 0, 6,  //
                           3, 5, 6, 0};
  EXPECT_DOUBLE_EQ(ComputeObjective(problem, {0, 0, 1, 1}), 1 + 6);
  EXPECT_DOUBLE_EQ(ComputeObjective(problem, {0, 1, 0, 1}), 2 + 5);
  EXPECT_DOUBLE_EQ(ComputeObjective(problem, {0, 0, 0, 0}), 21);
}

TEST(GainTableTest, GainsAndSumsMatchBruteForceAfterManyRandomSteps) {
  for (uint64_t seed = 1; seed <= 20; ++seed) {
    std::mt19937_64 rng(seed);
    const int n = 5 + static_cast<int>(rng() % 20);
    const int num_groups = 2 + static_cast<int>(rng() % 4);
    Problem problem = RandomProblem(n, EvenGroupBounds(n, num_groups), seed);
    std::vector<int> assignment(n);
    for (int& g : assignment) g = static_cast<int>(rng() % num_groups);
    GainTable table(problem.dissimilarity, num_groups, assignment);
    for (int step = 0; step < 300; ++step) {
      const double before = ComputeObjective(problem, table.assignment());
      ASSERT_NEAR(table.objective(), before, 1e-6) << "seed " << seed << " step " << step;
      const int i = static_cast<int>(rng() % n);
      if (rng() % 2 == 0) {
        const int to = static_cast<int>(rng() % num_groups);
        const double gain = table.MoveGain(i, to);
        table.ApplyMove(i, to);
        ASSERT_NEAR(ComputeObjective(problem, table.assignment()) - before, gain, 1e-6);
      } else {
        const int j = static_cast<int>(rng() % n);
        const double gain = table.SwapGain(i, j);
        table.ApplySwap(i, j);
        ASSERT_NEAR(ComputeObjective(problem, table.assignment()) - before, gain, 1e-6);
      }
      for (int item = 0; item < n; ++item) {
        for (int g = 0; g < num_groups; ++g) {
          ASSERT_NEAR(table.SumTo(item, g), BruteSum(problem, table.assignment(), item, g), 1e-6);
        }
      }
    }
  }
}

TEST(GainTableTest, SwapWithinOneGroupGainsNothing) {
  Problem problem = RandomProblem(6, EvenGroupBounds(6, 2), 3);
  GainTable table(problem.dissimilarity, 2, {0, 0, 0, 1, 1, 1});
  EXPECT_EQ(table.SwapGain(0, 1), 0);
}

// ---------------------------------------------------------------------------------------------
// Parser.

constexpr char kTinyInstance[] =
    "3 2 ds 1 2 1 2 \n"
    "0 1 1.5\n"
    "0 2 2.5\n"
    "\n"
    "1 2 3.25\n";

TEST(ParseMdgplibTest, ReadsHeaderAndPairs) {
  absl::StatusOr<Problem> problem = ParseMdgplib(kTinyInstance);
  ASSERT_THAT(problem, IsOk());
  EXPECT_EQ(problem->num_items, 3);
  ASSERT_EQ(problem->num_groups(), 2);
  EXPECT_EQ(problem->groups[1].min_size, 1);
  EXPECT_EQ(problem->groups[1].max_size, 2);
  EXPECT_EQ(problem->d(2, 1), 3.25);
  EXPECT_EQ(problem->d(0, 2), 2.5);
  EXPECT_THAT(ValidateProblem(*problem), IsOk());
}

TEST(ParseMdgplibTest, ErrorsNameTheLine) {
  EXPECT_THAT(ParseMdgplib(""), StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("line 1")));
  EXPECT_THAT(ParseMdgplib("3 2 xs 1 2 1 2\n"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("line 1: type must be")));
  EXPECT_THAT(ParseMdgplib("3 2 ss 1 2 1\n"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("line 1: expected 7 fields")));
  EXPECT_THAT(ParseMdgplib("3 2 ss 2 1 1 2\n"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("line 1: bounds of group 0")));
  EXPECT_THAT(
      ParseMdgplib("3 2 ds 1 2 1 2\n0 1 1\n0 2 x\n1 2 1\n"),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("line 3: expected `i j d_ij`")));
  EXPECT_THAT(ParseMdgplib("3 2 ds 1 2 1 2\n0 1 1\n0 3 1\n"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("line 3: items must be")));
  EXPECT_THAT(
      ParseMdgplib("3 2 ds 1 2 1 2\n0 1 1\n1 0 1\n"),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("line 3: pair (1, 0) appears")));
  EXPECT_THAT(ParseMdgplib("3 2 ds 1 2 1 2\n0 1 1\n1 2 1\n"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("line 4: end of input, but the dissimilarity of pair (0, 2)")));
}

// ---------------------------------------------------------------------------------------------
// Validation.

TEST(ValidateProblemTest, RejectsMalformedProblems) {
  Problem problem = RandomProblem(4, EvenGroupBounds(4, 2), 1);
  EXPECT_THAT(ValidateProblem(problem), IsOk());

  Problem asymmetric = problem;
  asymmetric.dissimilarity[1] += 1;
  EXPECT_THAT(ValidateProblem(asymmetric),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("not symmetric")));

  Problem no_groups = problem;
  no_groups.groups.clear();
  EXPECT_THAT(ValidateProblem(no_groups),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("at least one group")));

  Problem bad_apart = problem;
  bad_apart.keep_apart = {{0, 4}};
  EXPECT_THAT(ValidateProblem(bad_apart),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("keep-apart pair (0, 4)")));

  Problem bad_spread = problem;
  bad_spread.spread = {1, 1};
  EXPECT_THAT(ValidateProblem(bad_spread),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("item 1 twice")));
}

TEST(SolveTest, NeedsABudget) {
  Problem problem = RandomProblem(4, EvenGroupBounds(4, 2), 1);
  EXPECT_THAT(Solve(problem, SolveOptions{}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("time limit or iteration")));
}

// ---------------------------------------------------------------------------------------------
// The search: bounds, optimality on a tiny case, determinism.

TEST(SolveTest, RespectsSameSizeBounds) {
  Problem problem = RandomProblem(30, std::vector<GroupBounds>(5, {6, 6}), 7);
  absl::StatusOr<Solution> solution = Solve(problem, Budget(3000));
  ASSERT_THAT(solution, IsOk());
  EXPECT_THAT(Sizes(solution->assignment, 5), ::testing::Each(6));
  EXPECT_THAT(CheckFeasible(problem, solution->assignment), IsOk());
  EXPECT_NEAR(solution->objective, ComputeObjective(problem, solution->assignment), 1e-6);
  EXPECT_EQ(solution->iterations, 3000);
}

TEST(SolveTest, RespectsDifferentSizeBounds) {
  for (uint64_t seed = 1; seed <= 5; ++seed) {
    const std::vector<GroupBounds> groups = {{2, 5}, {3, 9}, {4, 4}, {1, 10}};
    Problem problem = RandomProblem(21, groups, seed);
    absl::StatusOr<Solution> solution = Solve(problem, Budget(2000, seed));
    ASSERT_THAT(solution, IsOk());
    const std::vector<int> sizes = Sizes(solution->assignment, 4);
    for (int g = 0; g < 4; ++g) {
      EXPECT_GE(sizes[g], groups[g].min_size) << "group " << g;
      EXPECT_LE(sizes[g], groups[g].max_size) << "group " << g;
    }
  }
}

TEST(SolveTest, FindsTheOptimumOfATinyInstance) {
  for (uint64_t seed = 1; seed <= 5; ++seed) {
    Problem problem = RandomProblem(8, {{4, 4}, {4, 4}}, 100 + seed);
    double optimum = 0;
    for (int mask = 0; mask < 256; ++mask) {
      if (__builtin_popcount(mask) != 4) continue;
      std::vector<int> assignment(8);
      for (int i = 0; i < 8; ++i) assignment[i] = (mask >> i) & 1;
      optimum = std::max(optimum, ComputeObjective(problem, assignment));
    }
    absl::StatusOr<Solution> solution = Solve(problem, Budget(500, seed));
    ASSERT_THAT(solution, IsOk());
    EXPECT_NEAR(solution->objective, optimum, 1e-6) << "seed " << seed;
  }
}

TEST(SolveTest, SameSeedAndBudgetGiveTheSameSolution) {
  Problem problem = RandomProblem(40, {{5, 12}, {5, 12}, {5, 12}, {5, 12}}, 11);
  absl::StatusOr<Solution> first = Solve(problem, Budget(5000, 42));
  absl::StatusOr<Solution> second = Solve(problem, Budget(5000, 42));
  ASSERT_THAT(first, IsOk());
  ASSERT_THAT(second, IsOk());
  EXPECT_EQ(first->assignment, second->assignment);
  EXPECT_EQ(first->objective, second->objective);
}

TEST(SolveTest, SingleGroupAndEmptyProblemsAreTrivial) {
  Problem one_group = RandomProblem(5, {{5, 5}}, 1);
  absl::StatusOr<Solution> solution = Solve(one_group, Budget(100));
  ASSERT_THAT(solution, IsOk());
  EXPECT_EQ(solution->assignment, std::vector<int>(5, 0));

  Problem empty = RandomProblem(0, {{0, 3}, {0, 3}}, 1);
  ASSERT_THAT(Solve(empty, Budget(100)), IsOk());
}

// ---------------------------------------------------------------------------------------------
// Constraints.

TEST(ConstraintsTest, KeepApartKeepTogetherAndSpreadAreHonoured) {
  for (uint64_t seed = 1; seed <= 5; ++seed) {
    Problem problem = RandomProblem(30, EvenGroupBounds(30, 4), seed);
    problem.keep_apart = {{0, 1}, {0, 2}, {1, 2}, {3, 4}, {10, 20}};
    problem.keep_together = {{5, 6, 7}, {7, 8}, {11, 12}};
    problem.spread = {20, 21, 22, 23, 24, 25, 26};  // 1 or 2 per group
    absl::StatusOr<Solution> solution = Solve(problem, Budget(3000, seed));
    ASSERT_THAT(solution, IsOk());
    const std::vector<int>& a = solution->assignment;
    EXPECT_THAT(CheckFeasible(problem, a), IsOk());
    for (const auto& [x, y] : problem.keep_apart) EXPECT_NE(a[x], a[y]) << x << " " << y;
    EXPECT_EQ(a[5], a[6]);
    EXPECT_EQ(a[6], a[7]);
    EXPECT_EQ(a[7], a[8]);
    EXPECT_EQ(a[11], a[12]);
    std::vector<int> per_group(4, 0);
    for (int item : problem.spread) ++per_group[a[item]];
    EXPECT_THAT(per_group, ::testing::Each(::testing::AllOf(::testing::Ge(1), ::testing::Le(2))));
    EXPECT_THAT(Sizes(a, 4), ::testing::Each(::testing::AllOf(::testing::Ge(7), ::testing::Le(8))));
  }
}

TEST(ConstraintsTest, KeepApartOverridesDiversity) {
  // Items 0 and 1 are far more dissimilar than anything else; they still must be kept apart.
  Problem problem = RandomProblem(6, EvenGroupBounds(6, 2), 5);
  problem.dissimilarity[0 * 6 + 1] = problem.dissimilarity[1 * 6 + 0] = 1e6;
  problem.keep_apart = {{0, 1}};
  absl::StatusOr<Solution> solution = Solve(problem, Budget(500));
  ASSERT_THAT(solution, IsOk());
  EXPECT_NE(solution->assignment[0], solution->assignment[1]);
}

TEST(ConstraintsTest, ImpossibleCombinationsAreReported) {
  const Problem base = RandomProblem(12, EvenGroupBounds(12, 3), 9);  // 3 groups of 4

  Problem too_big = base;
  too_big.keep_together = {{0, 1, 2}, {2, 3, 4}};
  EXPECT_THAT(Solve(too_big, Budget(100)),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("keep-together set of 5 items (0, 1, 2, 3, 4) is larger than the "
                                 "largest group allowed (4)")));

  Problem clique = base;
  clique.keep_apart = {{0, 1}, {0, 2}, {0, 3}, {1, 2}, {1, 3}, {2, 3}};
  EXPECT_THAT(Solve(clique, Budget(100)),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("must all be kept apart from each other, but there are only 3")));

  Problem contradiction = base;
  contradiction.keep_together = {{0, 1}};
  contradiction.keep_apart = {{1, 0}};
  EXPECT_THAT(Solve(contradiction, Budget(100)),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("must be kept apart but are in the same keep-together set")));

  Problem crowded_spread = base;
  crowded_spread.spread = {0, 1, 2};  // at most one per group
  crowded_spread.keep_together = {{0, 1}};
  EXPECT_THAT(Solve(crowded_spread, Budget(100)),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("at most 1")));

  Problem too_many = base;
  too_many.groups = {{1, 3}, {1, 3}, {1, 3}};
  EXPECT_THAT(Solve(too_many, Budget(100)),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("12 items cannot fill 3 groups whose sizes must add up to between "
                                 "3 and 9")));

  // Sets of 3 cannot make groups of exactly 4.
  Problem unpackable = base;
  unpackable.keep_together = {{0, 1, 2}, {3, 4, 5}, {6, 7, 8}, {9, 10, 11}};
  EXPECT_THAT(Solve(unpackable, Budget(100)),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("within the size bounds")));
}

TEST(ConstraintsTest, CheckFeasibleNamesTheViolation) {
  Problem problem = RandomProblem(4, EvenGroupBounds(4, 2), 1);
  problem.keep_apart = {{0, 1}};
  EXPECT_THAT(CheckFeasible(problem, {0, 0, 1, 1}),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("items 0 and 1 must be kept apart but are both in group 0")));
  EXPECT_THAT(CheckFeasible(problem, {0, 0, 0, 1}),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("group 0 has 3 items, outside its bounds [2, 2]")));
  EXPECT_THAT(CheckFeasible(problem, {0, 1, 0, 1}), IsOk());
}

}  // namespace
}  // namespace convene::grouping
