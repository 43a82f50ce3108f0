#include "services/grouping/rounds.h"

#include <algorithm>
#include <optional>
#include <random>

namespace convene::grouping {
namespace {

class Schedule {
 public:
  Schedule(const Problem& problem, std::vector<std::vector<int>>& rounds)
      : n_(problem.num_items),
        g_(problem.num_groups()),
        rounds_(rounds),
        met_(static_cast<size_t>(n_) * n_, 0),
        movable_(n_, true),
        spread_(n_, false),
        apart_(n_) {
    for (const auto& set : problem.keep_together) {
      for (int i : set) movable_[i] = false;
    }
    for (int i : problem.spread) spread_[i] = true;
    for (const auto& [a, b] : problem.keep_apart) {
      apart_[a].push_back(b);
      apart_[b].push_back(a);
    }
    members_.resize(rounds_.size(), std::vector<std::vector<int>>(g_));
    for (size_t r = 0; r < rounds_.size(); ++r) {
      for (int i = 0; i < n_; ++i) members_[r][rounds_[r][i]].push_back(i);
      for (const auto& group : members_[r]) {
        for (size_t x = 0; x < group.size(); ++x) {
          for (size_t y = x + 1; y < group.size(); ++y) Meet(group[x], group[y], +1);
        }
      }
    }
  }

  int64_t cost() const { return cost_; }
  int rounds() const { return static_cast<int>(rounds_.size()); }
  int n() const { return n_; }

  // Whether item i of round r sits in a pair that met before (or after).
  bool Conflicted(int r, int i) const {
    for (int x : members_[r][rounds_[r][i]]) {
      if (x != i && met(i, x) > 1) return true;
    }
    return false;
  }

  // Change in cost if a and b (different groups of round r) traded places; INT64_MAX if the swap
  // would break a constraint.
  int64_t SwapDelta(int r, int a, int b) const {
    if (!movable_[a] || !movable_[b] || spread_[a] != spread_[b]) return INT64_MAX;
    const int ga = rounds_[r][a], gb = rounds_[r][b];
    for (int x : apart_[a]) {
      if (x != b && rounds_[r][x] == gb) return INT64_MAX;
    }
    for (int x : apart_[b]) {
      if (x != a && rounds_[r][x] == ga) return INT64_MAX;
    }
    int64_t delta = 0;
    for (int x : members_[r][ga]) {
      if (x == a) continue;
      delta -= met(a, x) >= 2;  // a leaves x
      delta += met(b, x) >= 1;  // b joins x
    }
    for (int y : members_[r][gb]) {
      if (y == b) continue;
      delta -= met(b, y) >= 2;
      delta += met(a, y) >= 1;
    }
    return delta;
  }

  void Swap(int r, int a, int b) {
    const int ga = rounds_[r][a], gb = rounds_[r][b];
    for (int x : members_[r][ga]) {
      if (x != a) Meet(a, x, -1);
    }
    for (int y : members_[r][gb]) {
      if (y != b) Meet(b, y, -1);
    }
    auto& A = members_[r][ga];
    auto& B = members_[r][gb];
    *std::find(A.begin(), A.end(), a) = b;
    *std::find(B.begin(), B.end(), b) = a;
    rounds_[r][a] = gb;
    rounds_[r][b] = ga;
    for (int x : A) {
      if (x != b) Meet(b, x, +1);
    }
    for (int y : B) {
      if (y != a) Meet(a, y, +1);
    }
  }

 private:
  int met(int a, int b) const { return met_[static_cast<size_t>(a) * n_ + b]; }
  void Meet(int a, int b, int change) {
    int& m = met_[static_cast<size_t>(a) * n_ + b];
    if (change > 0 && m >= 1) ++cost_;
    if (change < 0 && m >= 2) --cost_;
    m += change;
    met_[static_cast<size_t>(b) * n_ + a] = m;
  }

  int n_;
  int g_;
  std::vector<std::vector<int>>& rounds_;
  std::vector<std::vector<std::vector<int>>> members_;  // round -> group -> items
  std::vector<int> met_;
  std::vector<bool> movable_;
  std::vector<bool> spread_;
  std::vector<std::vector<int>> apart_;
  int64_t cost_ = 0;
};

}  // namespace

int64_t RepeatCount(const std::vector<std::vector<int>>& rounds, int num_items) {
  std::vector<int> met(static_cast<size_t>(num_items) * num_items, 0);
  int64_t repeats = 0;
  for (const auto& assignment : rounds) {
    for (int i = 0; i < num_items; ++i) {
      for (int j = i + 1; j < num_items; ++j) {
        if (assignment[i] == assignment[j] && met[static_cast<size_t>(i) * num_items + j]++ > 0) {
          ++repeats;
        }
      }
    }
  }
  return repeats;
}

int64_t RepairRepeats(const Problem& problem, std::vector<std::vector<int>>& rounds, uint64_t seed,
                      int64_t max_steps) {
  if (rounds.size() < 2 || problem.num_groups() < 2) return RepeatCount(rounds, problem.num_items);
  std::optional<Schedule> schedule;
  schedule.emplace(problem, rounds);
  std::mt19937_64 random(seed);
  const int n = schedule->n();
  // Tabu: (round, item) may not move again until the step stored here.
  std::vector<int64_t> tabu(static_cast<size_t>(schedule->rounds()) * n, 0);
  std::vector<std::vector<int>> best = rounds;
  int64_t best_cost = schedule->cost();
  int64_t since_best = 0;
  for (int64_t step = 0; step < max_steps && best_cost > 0; ++step) {
    // The best swap, over every person of every round who sits in a repeated pair, with anyone in
    // another group of the same round; ties broken at random.
    int64_t best_delta = INT64_MAX;
    int best_round = -1, best_a = -1, best_b = -1, ties = 0;
    for (int r = 0; r < schedule->rounds(); ++r) {
      for (int a = 0; a < n; ++a) {
        if (!schedule->Conflicted(r, a)) continue;
        for (int b = 0; b < n; ++b) {
          if (rounds[r][b] == rounds[r][a]) continue;
          const int64_t delta = schedule->SwapDelta(r, a, b);
          if (delta == INT64_MAX || delta > best_delta) continue;
          const bool is_tabu = tabu[static_cast<size_t>(r) * n + a] > step ||
                               tabu[static_cast<size_t>(r) * n + b] > step;
          if (is_tabu && schedule->cost() + delta >= best_cost) continue;  // aspiration
          if (delta < best_delta) {
            best_delta = delta, ties = 1;
            best_round = r, best_a = a, best_b = b;
          } else if (random() % ++ties == 0) {
            best_round = r, best_a = a, best_b = b;
          }
        }
      }
    }
    if (best_round >= 0) {
      schedule->Swap(best_round, best_a, best_b);
      const int64_t tenure = 4 + static_cast<int64_t>(random() % 10);
      tabu[static_cast<size_t>(best_round) * n + best_a] = step + tenure;
      tabu[static_cast<size_t>(best_round) * n + best_b] = step + tenure;
    }
    if (schedule->cost() < best_cost) {
      best_cost = schedule->cost();
      best = rounds;
      since_best = 0;
    } else if (best_round < 0 || ++since_best > 100) {
      // Stuck: back to the best schedule, shaken by a few random legal swaps.
      rounds = best;
      schedule.emplace(problem, rounds);
      for (int k = 0; k < 4; ++k) {
        const int r = static_cast<int>(random() % schedule->rounds());
        const int x = static_cast<int>(random() % n), y = static_cast<int>(random() % n);
        if (rounds[r][x] != rounds[r][y] && schedule->SwapDelta(r, x, y) != INT64_MAX) {
          schedule->Swap(r, x, y);
        }
      }
      std::fill(tabu.begin(), tabu.end(), 0);
      since_best = 0;
    }
  }
  rounds = best;
  return best_cost;
}

}  // namespace convene::grouping
