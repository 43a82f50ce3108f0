#include "services/grouping/rounds.h"

#include <algorithm>
#include <random>
#include <utility>

namespace convene::grouping {
namespace {

constexpr int64_t kIllegal = INT64_MAX;
// Search parameters, tuned on 32 people in 8 groups of 4 over 8 and 9 rounds.
constexpr int64_t kTenureMin = 4;    // a trade stays tabu for kTenureMin..kTenureMin+kTenureSpan-1
constexpr int64_t kTenureSpan = 97;  // steps
constexpr int64_t kStall = 500;      // steps without a new best before the search is shaken
constexpr int kKicks = 8;            // random swaps of a shake

// The schedule under search with its incremental bookkeeping: how often each pair meets, and for
// every (round, person) how many of the others in their group they meet in some other round too
// (their conflicts). A swap updates both in O(group size * rounds).
class Schedule {
 public:
  Schedule(const Problem& problem, int num_rounds)
      : n_(problem.num_items),
        g_(problem.num_groups()),
        w_(num_rounds),
        movable_(n_, 1),
        spread_(n_, 0),
        apart_(n_) {
    for (const auto& set : problem.keep_together) {
      for (int i : set) movable_[i] = 0;
      const int64_t size = static_cast<int64_t>(set.size());
      floor_ += size * (size - 1) / 2 * (w_ - 1);
    }
    for (int i : problem.spread) spread_[i] = 1;
    for (const auto& [a, b] : problem.keep_apart) {
      apart_[a].push_back(b);
      apart_[b].push_back(a);
    }
  }

  // Replaces the schedule (group of each person, per round) and rebuilds the bookkeeping.
  void Load(const std::vector<std::vector<int>>& rounds) {
    group_.assign(static_cast<size_t>(w_) * n_, 0);
    slot_.assign(static_cast<size_t>(w_) * n_, 0);
    members_.assign(static_cast<size_t>(w_) * g_, {});
    met_.assign(static_cast<size_t>(n_) * n_, 0);
    conflicts_.assign(static_cast<size_t>(w_) * n_, 0);
    cost_ = 0;
    for (int r = 0; r < w_; ++r) {
      for (int i = 0; i < n_; ++i) {
        const int g = rounds[r][i];
        group_[Index(r, i)] = g;
        auto& group = members_[static_cast<size_t>(r) * g_ + g];
        slot_[Index(r, i)] = static_cast<int>(group.size());
        group.push_back(i);
      }
    }
    ForEachPair([&](int, int a, int b) {
      if (++met_[Pair(a, b)] >= 2) ++cost_;
      met_[Pair(b, a)] = met_[Pair(a, b)];
    });
    ForEachPair([&](int r, int a, int b) {
      if (met(a, b) >= 2) ++conflicts_[Index(r, a)], ++conflicts_[Index(r, b)];
    });
  }

  void Store(std::vector<std::vector<int>>& rounds) const {
    for (int r = 0; r < w_; ++r) {
      for (int i = 0; i < n_; ++i) rounds[r][i] = group_[Index(r, i)];
    }
  }

  int n() const { return n_; }
  int rounds() const { return w_; }
  // Repeated meetings; never below floor(), the meetings of keep-together units with themselves.
  int64_t cost() const { return cost_; }
  int64_t floor() const { return floor_; }
  int group(int r, int i) const { return group_[Index(r, i)]; }
  int conflicts(int r, int i) const { return conflicts_[Index(r, i)]; }
  bool movable(int i) const { return movable_[i] != 0; }
  const std::vector<int>& members(int r, int g) const {
    return members_[static_cast<size_t>(r) * g_ + g];
  }

  // Whether a and b (different groups of round r) may trade places: neither is in a keep-together
  // unit, both or neither are in the spread set, and no keep-apart pair would share a group.
  bool Swappable(int r, int a, int b) const {
    if (!movable_[a] || !movable_[b] || spread_[a] != spread_[b]) return false;
    const int ga = group(r, a), gb = group(r, b);
    for (int x : apart_[a]) {
      if (x != b && group(r, x) == gb) return false;
    }
    for (int x : apart_[b]) {
      if (x != a && group(r, x) == ga) return false;
    }
    return true;
  }

  // Change in cost if a and b (different groups of round r) traded places.
  int64_t Delta(int r, int a, int b) const {
    const int* row_a = met_.data() + static_cast<size_t>(a) * n_;
    const int* row_b = met_.data() + static_cast<size_t>(b) * n_;
    int64_t delta = -conflicts(r, a) - conflicts(r, b);  // both leave their repeated pairs
    for (int x : members(r, group(r, a))) delta += row_b[x] >= 1;
    for (int y : members(r, group(r, b))) delta += row_a[y] >= 1;
    return delta - 2 * (row_a[b] >= 1);  // b does not join a, nor a b
  }

  void Swap(int r, int a, int b) {
    const int ga = group(r, a), gb = group(r, b);
    auto& A = members_[static_cast<size_t>(r) * g_ + ga];
    auto& B = members_[static_cast<size_t>(r) * g_ + gb];
    for (int x : A) {
      if (x != a) Leave(r, a, x);
    }
    for (int y : B) {
      if (y != b) Leave(r, b, y);
    }
    std::swap(slot_[Index(r, a)], slot_[Index(r, b)]);
    A[slot_[Index(r, b)]] = b;
    B[slot_[Index(r, a)]] = a;
    group_[Index(r, a)] = gb;
    group_[Index(r, b)] = ga;
    for (int x : A) {
      if (x != b) Join(r, b, x);
    }
    for (int y : B) {
      if (y != a) Join(r, a, y);
    }
  }

 private:
  size_t Index(int r, int i) const { return static_cast<size_t>(r) * n_ + i; }
  size_t Pair(int a, int b) const { return static_cast<size_t>(a) * n_ + b; }
  int met(int a, int b) const { return met_[Pair(a, b)]; }

  template <typename F>
  void ForEachPair(F f) const {
    for (int r = 0; r < w_; ++r) {
      for (int g = 0; g < g_; ++g) {
        const auto& group = members(r, g);
        for (size_t x = 0; x < group.size(); ++x) {
          for (size_t y = x + 1; y < group.size(); ++y) f(r, group[x], group[y]);
        }
      }
    }
  }

  // Adds `change` to the conflicts of a and x in every round other than r where they share a group.
  void ChangeElsewhere(int r, int a, int x, int change) {
    for (int s = 0; s < w_; ++s) {
      if (s != r && group(s, a) == group(s, x)) {
        conflicts_[Index(s, a)] += change;
        conflicts_[Index(s, x)] += change;
      }
    }
  }

  // a stops sharing its round-r group with x (called before the groups change).
  void Leave(int r, int a, int x) {
    int& m = met_[Pair(a, x)];
    if (m >= 2) {
      --cost_;
      --conflicts_[Index(r, a)];
      --conflicts_[Index(r, x)];
      if (m == 2) ChangeElsewhere(r, a, x, -1);
    }
    met_[Pair(x, a)] = --m;
  }

  // a starts sharing its round-r group with x (called after the groups changed).
  void Join(int r, int a, int x) {
    int& m = met_[Pair(a, x)];
    met_[Pair(x, a)] = ++m;
    if (m >= 2) {
      ++cost_;
      ++conflicts_[Index(r, a)];
      ++conflicts_[Index(r, x)];
      if (m == 2) ChangeElsewhere(r, a, x, +1);
    }
  }

  int n_;
  int g_;
  int w_;
  std::vector<char> movable_;
  std::vector<char> spread_;
  std::vector<std::vector<int>> apart_;
  int64_t floor_ = 0;
  std::vector<int> group_;                 // [r * n + i]
  std::vector<int> slot_;                  // [r * n + i]: place of i in its group's member list
  std::vector<std::vector<int>> members_;  // [r * G + g]
  std::vector<int> met_;                   // [a * n + b]
  std::vector<int> conflicts_;             // [r * n + i]
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
  std::mt19937_64 random(seed);
  Schedule schedule(problem, static_cast<int>(rounds.size()));
  schedule.Load(rounds);
  const int n = schedule.n();
  const int w = schedule.rounds();
  // Tabu: after a and b traded places in round r, that trade may not be undone before the step
  // stored for (r, a) and (r, b) (each person remembers its last partner per round), unless undoing
  // it reaches a schedule better than the best so far.
  std::vector<int64_t> tabu_until(static_cast<size_t>(w) * n, 0);
  std::vector<int> partner(static_cast<size_t>(w) * n, -1);
  auto is_tabu = [&](int r, int a, int b, int64_t step) {
    const size_t ia = static_cast<size_t>(r) * n + a, ib = static_cast<size_t>(r) * n + b;
    return (partner[ia] == b && tabu_until[ia] > step) ||
           (partner[ib] == a && tabu_until[ib] > step);
  };
  std::vector<std::vector<int>> best = rounds;
  int64_t best_cost = schedule.cost();
  int64_t since_best = 0;
  for (int64_t step = 0; step < max_steps && best_cost > schedule.floor(); ++step) {
    // The best swap of a person in a repeated pair with anyone in another group of the same round;
    // ties broken at random. A swap of two conflicted people is looked at once.
    int64_t best_delta = kIllegal;
    int best_round = -1, best_a = -1, best_b = -1, ties = 0;
    for (int r = 0; r < w; ++r) {
      for (int a = 0; a < n; ++a) {
        if (schedule.conflicts(r, a) == 0 || !schedule.movable(a)) continue;
        const int ga = schedule.group(r, a);
        for (int b = 0; b < n; ++b) {
          if (schedule.group(r, b) == ga) continue;
          if (b < a && schedule.conflicts(r, b) > 0) continue;
          const int64_t delta = schedule.Delta(r, a, b);
          if (delta > best_delta) continue;
          if (is_tabu(r, a, b, step) && schedule.cost() + delta >= best_cost) continue;
          if (!schedule.Swappable(r, a, b)) continue;
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
      schedule.Swap(best_round, best_a, best_b);
      const int64_t until = step + kTenureMin + static_cast<int64_t>(random() % kTenureSpan);
      for (auto [x, y] : {std::pair{best_a, best_b}, std::pair{best_b, best_a}}) {
        partner[static_cast<size_t>(best_round) * n + x] = y;
        tabu_until[static_cast<size_t>(best_round) * n + x] = until;
      }
    }
    if (schedule.cost() < best_cost) {
      best_cost = schedule.cost();
      schedule.Store(best);
      since_best = 0;
    } else if (best_round < 0 || ++since_best > kStall) {
      // Stuck: back to the best schedule, shaken by a few random legal swaps.
      schedule.Load(best);
      for (int k = 0; k < kKicks; ++k) {
        const int r = static_cast<int>(random() % w);
        const int x = static_cast<int>(random() % n), y = static_cast<int>(random() % n);
        if (schedule.group(r, x) != schedule.group(r, y) && schedule.Swappable(r, x, y)) {
          schedule.Swap(r, x, y);
        }
      }
      std::fill(tabu_until.begin(), tabu_until.end(), 0);
      since_best = 0;
    }
  }
  rounds = best;
  return best_cost;
}

}  // namespace convene::grouping
