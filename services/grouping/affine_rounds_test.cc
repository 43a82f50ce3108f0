#include "services/grouping/affine_rounds.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <random>
#include <set>

namespace convene::grouping {
namespace {

// Meetings beyond the first, counted pair by pair.
int Repeats(const std::vector<std::vector<int>>& rounds, int n) {
  std::map<std::pair<int, int>, int> met;
  int repeats = 0;
  for (const auto& round : rounds) {
    for (int i = 0; i < n; ++i) {
      for (int j = i + 1; j < n; ++j) {
        if (round[i] == round[j] && met[{i, j}]++ > 0) ++repeats;
      }
    }
  }
  return repeats;
}

std::vector<int> ShuffledFirstRound(int n, int groups, uint64_t seed) {
  std::vector<int> first(n);
  for (int i = 0; i < n; ++i) first[i] = i % groups;
  std::mt19937_64 random(seed);
  std::shuffle(first.begin(), first.end(), random);
  return first;
}

std::vector<double> RandomMatrix(int n, uint64_t seed) {
  std::mt19937_64 random(seed);
  std::vector<double> d(static_cast<size_t>(n) * n, 0);
  for (int i = 0; i < n; ++i) {
    for (int j = i + 1; j < n; ++j) d[i * n + j] = d[j * n + i] = random() % 7;
  }
  return d;
}

TEST(AffineRoundsTest, RepeatFreeRoundsForPrimePowerGroupCounts) {
  // (people, groups, repeat-free rounds the construction promises)
  for (auto [n, groups, expected] : std::vector<std::tuple<int, int, int>>{
           {32, 8, 9}, {16, 4, 5}, {25, 5, 6}, {49, 7, 8}, {27, 9, 10}, {18, 9, 9}, {12, 4, 4}}) {
    ASSERT_EQ(AffineRoundCount(n, groups), expected) << n << "/" << groups;
    const std::vector<int> first = ShuffledFirstRound(n, groups, 3);
    auto rounds = AffineRounds(n, groups, expected, first, RandomMatrix(n, 5), 7, 300);
    ASSERT_TRUE(rounds.has_value()) << n << "/" << groups;
    ASSERT_EQ(static_cast<int>(rounds->size()), expected);
    EXPECT_EQ(Repeats(*rounds, n), 0) << n << "/" << groups;
    for (const auto& round : *rounds) {
      std::vector<int> sizes(groups, 0);
      for (int g : round) ++sizes[g];
      for (int size : sizes) EXPECT_EQ(size, n / groups);
    }
    // Round 1 keeps the solver's groups (perhaps renumbered).
    std::map<int, std::set<int>> given, kept;
    for (int i = 0; i < n; ++i) given[first[i]].insert(i), kept[(*rounds)[0][i]].insert(i);
    std::set<std::set<int>> a, b;
    for (auto& [g, members] : given) a.insert(members);
    for (auto& [g, members] : kept) b.insert(members);
    EXPECT_EQ(a, b);
  }
}

TEST(AffineRoundsTest, DoesNotApplyOutsideItsCase) {
  EXPECT_EQ(AffineRoundCount(60, 6), 0);  // 6 is not a prime power
  EXPECT_EQ(AffineRoundCount(30, 5), 0);  // 6 per group, more than 5 groups
  EXPECT_EQ(AffineRoundCount(33, 8), 0);  // unequal groups
  EXPECT_FALSE(AffineRounds(60, 6, 3, ShuffledFirstRound(60, 6, 1), {}, 1, 10).has_value());
  // A first round with unequal groups is refused.
  std::vector<int> lopsided(32, 0);
  EXPECT_FALSE(AffineRounds(32, 8, 3, lopsided, {}, 1, 10).has_value());
}

TEST(AffineRoundsTest, FewerRoundsThanAvailableAndDeterminism) {
  const std::vector<int> first = ShuffledFirstRound(32, 8, 9);
  const std::vector<double> d = RandomMatrix(32, 2);
  auto three = AffineRounds(32, 8, 3, first, d, 11, 200);
  auto again = AffineRounds(32, 8, 3, first, d, 11, 200);
  ASSERT_TRUE(three && again);
  EXPECT_EQ(three->size(), 3u);
  EXPECT_EQ(*three, *again);
}

}  // namespace
}  // namespace convene::grouping
