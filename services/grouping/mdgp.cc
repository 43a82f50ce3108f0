#include "services/grouping/mdgp.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numeric>
#include <random>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "services/common/status.h"

namespace convene::grouping {
namespace {

std::vector<absl::string_view> Fields(absl::string_view line) {
  return absl::StrSplit(line, absl::ByAnyChar(" \t\r"), absl::SkipEmpty());
}

absl::Status LineError(int line, absl::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat("line ", line, ": ", what));
}

int64_t CeilDiv(int64_t a, int64_t b) { return (a + b - 1) / b; }

}  // namespace

std::vector<GroupBounds> EvenGroupBounds(int num_items, int num_groups) {
  const int low = num_items / num_groups;
  const int high = static_cast<int>(CeilDiv(num_items, num_groups));
  return std::vector<GroupBounds>(num_groups, GroupBounds{low, high});
}

// ---------------------------------------------------------------------------------------------
// Parsing and checking.

absl::StatusOr<Problem> ParseMdgplib(absl::string_view text) {
  std::vector<absl::string_view> lines = absl::StrSplit(text, '\n');
  size_t next = 0;
  int line_number = 0;
  // Advances to the next non-blank line; false at the end of the input.
  auto next_line = [&](std::vector<absl::string_view>& fields) {
    while (next < lines.size()) {
      ++line_number;
      fields = Fields(lines[next++]);
      if (!fields.empty()) return true;
    }
    return false;
  };

  std::vector<absl::string_view> fields;
  if (!next_line(fields)) return LineError(1, "empty input, expected `n G ss|ds a_1 b_1 ...`");
  Problem problem;
  int num_groups = 0;
  if (fields.size() < 3 || !absl::SimpleAtoi(fields[0], &problem.num_items) ||
      !absl::SimpleAtoi(fields[1], &num_groups) || problem.num_items < 1 || num_groups < 1) {
    return LineError(line_number, "expected `n G ss|ds a_1 b_1 ... a_G b_G` with positive n and G");
  }
  if (fields[2] != "ss" && fields[2] != "ds") {
    return LineError(line_number, absl::StrCat("type must be ss or ds, got '", fields[2], "'"));
  }
  if (fields.size() != 3 + 2 * static_cast<size_t>(num_groups)) {
    return LineError(line_number, absl::StrCat("expected ", 3 + 2 * num_groups, " fields for ",
                                               num_groups, " groups, got ", fields.size()));
  }
  for (int g = 0; g < num_groups; ++g) {
    GroupBounds bounds;
    if (!absl::SimpleAtoi(fields[3 + 2 * g], &bounds.min_size) ||
        !absl::SimpleAtoi(fields[4 + 2 * g], &bounds.max_size) || bounds.min_size < 0 ||
        bounds.min_size > bounds.max_size) {
      return LineError(line_number, absl::StrCat("bounds of group ", g, " must be integers with ",
                                                 "0 <= min <= max"));
    }
    problem.groups.push_back(bounds);
  }

  const int n = problem.num_items;
  problem.dissimilarity.assign(static_cast<size_t>(n) * n, 0.0);
  std::vector<bool> seen(static_cast<size_t>(n) * n, false);
  int64_t pairs = 0;
  int last_line = line_number;
  while (next_line(fields)) {
    last_line = line_number;
    int i = 0;
    int j = 0;
    double value = 0;
    if (fields.size() != 3 || !absl::SimpleAtoi(fields[0], &i) ||
        !absl::SimpleAtoi(fields[1], &j) || !absl::SimpleAtod(fields[2], &value) ||
        !std::isfinite(value)) {
      return LineError(line_number, "expected `i j d_ij` (two item indices and a number)");
    }
    if (i < 0 || j < 0 || i >= n || j >= n || i == j) {
      return LineError(line_number, absl::StrCat("items must be two different indices in [0, ", n,
                                                 "), got ", i, " and ", j));
    }
    const size_t ij = static_cast<size_t>(i) * n + j;
    if (seen[ij]) {
      return LineError(line_number, absl::StrCat("pair (", i, ", ", j, ") appears twice"));
    }
    seen[ij] = seen[static_cast<size_t>(j) * n + i] = true;
    problem.dissimilarity[ij] = problem.dissimilarity[static_cast<size_t>(j) * n + i] = value;
    ++pairs;
  }
  if (pairs != static_cast<int64_t>(n) * (n - 1) / 2) {
    for (int i = 0; i < n; ++i) {
      for (int j = i + 1; j < n; ++j) {
        if (!seen[static_cast<size_t>(i) * n + j]) {
          return LineError(last_line + 1,
                           absl::StrCat("end of input, but the dissimilarity of pair (", i, ", ", j,
                                        ") is missing"));
        }
      }
    }
  }
  return problem;
}

absl::Status ValidateProblem(const Problem& problem) {
  const int n = problem.num_items;
  const int num_groups = problem.num_groups();
  if (n < 0) return absl::InvalidArgumentError("num_items must not be negative");
  if (num_groups < 1) return absl::InvalidArgumentError("a problem needs at least one group");
  if (problem.dissimilarity.size() != static_cast<size_t>(n) * n) {
    return absl::InvalidArgumentError(absl::StrCat("the dissimilarity matrix must have ", n, " x ",
                                                   n, " entries, it has ",
                                                   problem.dissimilarity.size()));
  }
  for (int g = 0; g < num_groups; ++g) {
    const GroupBounds& b = problem.groups[g];
    if (b.min_size < 0 || b.min_size > b.max_size) {
      return absl::InvalidArgumentError(absl::StrCat("group ", g, " has bounds [", b.min_size, ", ",
                                                     b.max_size, "]; need 0 <= min <= max"));
    }
  }
  for (int i = 0; i < n; ++i) {
    for (int j = i + 1; j < n; ++j) {
      const double a = problem.d(i, j);
      const double b = problem.d(j, i);
      if (!std::isfinite(a) || !std::isfinite(b)) {
        return absl::InvalidArgumentError(
            absl::StrCat("the dissimilarity of items ", i, " and ", j, " is not a finite number"));
      }
      if (std::abs(a - b) > 1e-9 * std::max(1.0, std::abs(a))) {
        return absl::InvalidArgumentError(
            absl::StrCat("the dissimilarity matrix is not symmetric: d(", i, ", ", j, ") = ", a,
                         " but d(", j, ", ", i, ") = ", b));
      }
    }
  }
  auto in_range = [n](int item) { return item >= 0 && item < n; };
  for (const auto& [a, b] : problem.keep_apart) {
    if (!in_range(a) || !in_range(b)) {
      return absl::InvalidArgumentError(
          absl::StrCat("keep-apart pair (", a, ", ", b, ") names an item outside [0, ", n, ")"));
    }
    if (a == b) {
      return absl::InvalidArgumentError(
          absl::StrCat("keep-apart pair (", a, ", ", b, ") names the same item twice"));
    }
  }
  for (const std::vector<int>& set : problem.keep_together) {
    for (int item : set) {
      if (!in_range(item)) {
        return absl::InvalidArgumentError(absl::StrCat("keep-together set {",
                                                       absl::StrJoin(set, ", "),
                                                       "} names an item outside [0, ", n, ")"));
      }
    }
  }
  std::vector<bool> in_spread(n, false);
  for (int item : problem.spread) {
    if (!in_range(item)) {
      return absl::InvalidArgumentError(
          absl::StrCat("spread set names item ", item, ", outside [0, ", n, ")"));
    }
    if (in_spread[item]) {
      return absl::InvalidArgumentError(absl::StrCat("spread set names item ", item, " twice"));
    }
    in_spread[item] = true;
  }
  return absl::OkStatus();
}

double ComputeObjective(const Problem& problem, absl::Span<const int> assignment) {
  double total = 0;
  const int n = problem.num_items;
  for (int i = 0; i < n; ++i) {
    const double* row = problem.dissimilarity.data() + static_cast<size_t>(i) * n;
    for (int j = i + 1; j < n; ++j) {
      if (assignment[i] == assignment[j]) total += row[j];
    }
  }
  return total;
}

absl::Status CheckFeasible(const Problem& problem, absl::Span<const int> assignment) {
  const int n = problem.num_items;
  const int num_groups = problem.num_groups();
  if (assignment.size() != static_cast<size_t>(n)) {
    return absl::InvalidArgumentError(
        absl::StrCat("the assignment has ", assignment.size(), " entries for ", n, " items"));
  }
  std::vector<int> sizes(num_groups, 0);
  for (int i = 0; i < n; ++i) {
    if (assignment[i] < 0 || assignment[i] >= num_groups) {
      return absl::InvalidArgumentError(absl::StrCat("item ", i, " is in group ", assignment[i],
                                                     ", outside [0, ", num_groups, ")"));
    }
    ++sizes[assignment[i]];
  }
  for (int g = 0; g < num_groups; ++g) {
    const GroupBounds& b = problem.groups[g];
    if (sizes[g] < b.min_size || sizes[g] > b.max_size) {
      return absl::FailedPreconditionError(absl::StrCat("group ", g, " has ", sizes[g],
                                                        " items, outside its bounds [", b.min_size,
                                                        ", ", b.max_size, "]"));
    }
  }
  for (const std::vector<int>& set : problem.keep_together) {
    for (int item : set) {
      if (assignment[item] != assignment[set.front()]) {
        return absl::FailedPreconditionError(absl::StrCat(
            "items ", set.front(), " and ", item, " must be kept together but are in groups ",
            assignment[set.front()], " and ", assignment[item]));
      }
    }
  }
  for (const auto& [a, b] : problem.keep_apart) {
    if (assignment[a] == assignment[b]) {
      return absl::FailedPreconditionError(absl::StrCat(
          "items ", a, " and ", b, " must be kept apart but are both in group ", assignment[a]));
    }
  }
  if (!problem.spread.empty()) {
    const int64_t count = static_cast<int64_t>(problem.spread.size());
    const int64_t low = count / num_groups;
    const int64_t high = CeilDiv(count, num_groups);
    std::vector<int64_t> per_group(num_groups, 0);
    for (int item : problem.spread) ++per_group[assignment[item]];
    for (int g = 0; g < num_groups; ++g) {
      if (per_group[g] < low || per_group[g] > high) {
        return absl::FailedPreconditionError(
            absl::StrCat("group ", g, " has ", per_group[g], " of the ", count,
                         " spread items; every group needs between ", low, " and ", high));
      }
    }
  }
  return absl::OkStatus();
}

// ---------------------------------------------------------------------------------------------
// GainTable.

GainTable::GainTable(std::vector<double> dissimilarity, int num_groups, std::vector<int> assignment)
    : n_(static_cast<int>(assignment.size())), g_(num_groups), d_(std::move(dissimilarity)) {
  for (int i = 0; i < n_; ++i) d_[static_cast<size_t>(i) * n_ + i] = 0;
  Reset(std::move(assignment));
}

void GainTable::Reset(std::vector<int> assignment) {
  assignment_ = std::move(assignment);
  Recompute();
}

void GainTable::Recompute() {
  sums_.assign(static_cast<size_t>(g_) * n_, 0.0);
  for (int j = 0; j < n_; ++j) {
    double* sums = sums_.data() + static_cast<size_t>(assignment_[j]) * n_;
    const double* row = d_row(j);
    for (int i = 0; i < n_; ++i) sums[i] += row[i];
  }
  double twice = 0;
  for (int i = 0; i < n_; ++i) twice += SumTo(i, assignment_[i]);
  objective_ = twice / 2;
}

double GainTable::SwapGain(int i, int j) const {
  const int g = assignment_[i];
  const int h = assignment_[j];
  if (g == h) return 0;
  return SumTo(i, h) - SumTo(i, g) + SumTo(j, g) - SumTo(j, h) - 2 * d(i, j);
}

void GainTable::ApplyMove(int item, int to) {
  const int from = assignment_[item];
  if (from == to) return;
  objective_ += MoveGain(item, to);
  double* from_sums = sums_.data() + static_cast<size_t>(from) * n_;
  double* to_sums = sums_.data() + static_cast<size_t>(to) * n_;
  const double* row = d_row(item);
  for (int i = 0; i < n_; ++i) {
    from_sums[i] -= row[i];
    to_sums[i] += row[i];
  }
  assignment_[item] = to;
}

void GainTable::ApplySwap(int i, int j) {
  const int g = assignment_[i];
  const int h = assignment_[j];
  ApplyMove(i, h);
  ApplyMove(j, g);
}

// ---------------------------------------------------------------------------------------------
// The solver.

namespace {

using Clock = std::chrono::steady_clock;

// The problem the search sees: every keep-together set contracted into one unit whose weight is
// its item count, and keep-apart pairs turned into a penalty larger than any objective.
struct Units {
  int count = 0;
  std::vector<int> unit_of;  // item -> unit
  std::vector<std::vector<int>> members;
  std::vector<int> weight;
  std::vector<int> spread;              // spread items in the unit
  std::vector<std::vector<int>> apart;  // unit -> units it must not share a group with
  std::vector<double> matrix;           // count x count, penalties included
};

int Find(std::vector<int>& parent, int x) {
  while (parent[x] != x) x = parent[x] = parent[parent[x]];
  return x;
}

absl::StatusOr<Units> Contract(const Problem& problem) {
  const int n = problem.num_items;
  std::vector<int> parent(n);
  std::iota(parent.begin(), parent.end(), 0);
  for (const std::vector<int>& set : problem.keep_together) {
    for (size_t k = 1; k < set.size(); ++k) parent[Find(parent, set[k])] = Find(parent, set[0]);
  }
  Units units;
  units.unit_of.assign(n, -1);
  std::vector<int> unit_of_root(n, -1);
  for (int i = 0; i < n; ++i) {
    const int root = Find(parent, i);
    if (unit_of_root[root] < 0) {
      unit_of_root[root] = units.count++;
      units.members.emplace_back();
    }
    units.unit_of[i] = unit_of_root[root];
    units.members[units.unit_of[i]].push_back(i);
  }
  const int u_count = units.count;
  units.weight.assign(u_count, 0);
  units.spread.assign(u_count, 0);
  for (int u = 0; u < u_count; ++u) units.weight[u] = static_cast<int>(units.members[u].size());
  for (int item : problem.spread) ++units.spread[units.unit_of[item]];

  units.matrix.assign(static_cast<size_t>(u_count) * u_count, 0.0);
  double total = 0;
  for (int i = 0; i < n; ++i) {
    const int ui = units.unit_of[i];
    double* row = units.matrix.data() + static_cast<size_t>(ui) * u_count;
    for (int j = 0; j < n; ++j) {
      if (i == j) continue;
      const int uj = units.unit_of[j];
      if (uj != ui) row[uj] += problem.d(i, j);
      if (j > i) total += std::abs(problem.d(i, j));
    }
  }
  const double penalty = 1 + 2 * total;
  units.apart.resize(u_count);
  for (const auto& [a, b] : problem.keep_apart) {
    const int ua = units.unit_of[a];
    const int ub = units.unit_of[b];
    if (ua == ub) {
      return absl::FailedPreconditionError(absl::StrCat(
          "items ", a, " and ", b, " must be kept apart but are in the same keep-together set"));
    }
    units.matrix[static_cast<size_t>(ua) * u_count + ub] -= penalty;
    units.matrix[static_cast<size_t>(ub) * u_count + ua] -= penalty;
    units.apart[ua].push_back(ub);
    units.apart[ub].push_back(ua);
  }
  return units;
}

// Greedy cliques of the keep-apart graph (from every unit, add the neighbours adjacent to all
// chosen so far): more mutually kept-apart units than groups can never be placed.
absl::Status CheckApartCliques(const Problem& problem, const Units& units) {
  const int num_groups = problem.num_groups();
  std::vector<std::vector<bool>> adjacent;
  for (int start = 0; start < units.count; ++start) {
    if (static_cast<int>(units.apart[start].size()) < num_groups) continue;
    std::vector<int> clique = {start};
    for (int candidate : units.apart[start]) {
      bool all = std::find(clique.begin(), clique.end(), candidate) == clique.end();
      for (size_t k = 1; all && k < clique.size(); ++k) {
        const auto& nb = units.apart[clique[k]];
        all = std::find(nb.begin(), nb.end(), candidate) != nb.end();
      }
      if (all) clique.push_back(candidate);
    }
    if (static_cast<int>(clique.size()) > num_groups) {
      std::vector<int> items;
      for (int u : clique) items.push_back(units.members[u].front());
      return absl::FailedPreconditionError(absl::StrCat(
          clique.size(), " items (", absl::StrJoin(items, ", "),
          ") must all be kept apart from each other, but there are only ", num_groups, " groups"));
    }
  }
  return absl::OkStatus();
}

class Search {
 public:
  static constexpr int kPopulation = 10;

  Search(const Problem& problem, Units units, uint64_t seed)
      : units_(std::move(units)),
        num_groups_(problem.num_groups()),
        rng_(seed),
        table_(std::move(units_.matrix), num_groups_, std::vector<int>(units_.count, 0)) {
    for (const GroupBounds& b : problem.groups) {
      min_.push_back(b.min_size);
      max_.push_back(b.max_size);
      if (b.min_size < b.max_size) moves_possible_ = true;
    }
    const int64_t spread_count = static_cast<int64_t>(problem.spread.size());
    spread_low_ = static_cast<int>(spread_count / num_groups_);
    spread_high_ = static_cast<int>(CeilDiv(spread_count, num_groups_));
  }

  // A random assignment of units within the size bounds and the spread rule (keep-apart pairs are
  // avoided where the choice allows, and left to the search otherwise). With `fill_in_order`, the
  // items left after every group reached its minimum fill the groups in a random order, which
  // gives the uneven size profiles that varied bounds reward; otherwise they spread at random.
  absl::StatusOr<std::vector<int>> Construct(bool fill_in_order) {
    const int u_count = units_.count;
    for (int attempt = 0; attempt < 200; ++attempt) {
      std::vector<int> order(u_count);
      std::iota(order.begin(), order.end(), 0);
      std::shuffle(order.begin(), order.end(), rng_);
      std::stable_sort(order.begin(), order.end(), [&](int a, int b) {
        if (units_.spread[a] != units_.spread[b]) return units_.spread[a] > units_.spread[b];
        return units_.weight[a] > units_.weight[b];
      });
      std::vector<int> rank(num_groups_, 0);
      if (fill_in_order) {
        std::iota(rank.begin(), rank.end(), 0);
        std::shuffle(rank.begin(), rank.end(), rng_);
      }
      std::vector<int> assignment(u_count, -1);
      std::vector<int> load(num_groups_, 0);
      std::vector<int> spread(num_groups_, 0);
      bool placed_all = true;
      for (int u : order) {
        // Lexicographic preference: fewest spread items (for spread units), below its minimum,
        // fewest kept-apart partners, lowest rank; remaining ties broken at random.
        int best = -1;
        std::tuple<int, int, int, int> best_key;
        int ties = 0;
        for (int g = 0; g < num_groups_; ++g) {
          if (load[g] + units_.weight[u] > max_[g]) continue;
          if (spread[g] + units_.spread[u] > spread_high_) continue;
          int conflicts = 0;
          for (int v : units_.apart[u]) conflicts += assignment[v] == g;
          std::tuple<int, int, int, int> key = {units_.spread[u] > 0 ? spread[g] : 0,
                                                load[g] < min_[g] ? 0 : 1, conflicts, rank[g]};
          if (best < 0 || key < best_key) {
            best = g;
            best_key = key;
            ties = 1;
          } else if (key == best_key && Uniform(++ties) == 0) {
            best = g;
          }
        }
        if (best < 0) {
          placed_all = false;
          break;
        }
        assignment[u] = best;
        load[best] += units_.weight[u];
        spread[best] += units_.spread[u];
      }
      bool ok = placed_all;
      for (int g = 0; ok && g < num_groups_; ++g) {
        ok = load[g] >= min_[g] && spread[g] >= spread_low_;
      }
      if (ok) return assignment;
    }
    return absl::FailedPreconditionError(
        "no split of the keep-together sets and spread items into groups within the size bounds "
        "was found; the constraints are most likely impossible together");
  }

  // A population of iterated tabu searches from different random starts, run in turn one round
  // each; the population shrinks linearly to its best member by half of the budget (the dynamic
  // population idea of TPSDP), which lets starts with different size profiles compete before the
  // whole budget goes into the best one. Returns the best unit assignment found.
  absl::StatusOr<std::vector<int>> Run(const SolveOptions& options, Clock::time_point start) {
    const int u_count = units_.count;
    const bool timed = options.time_limit > absl::ZeroDuration();
    const double limit_seconds = absl::ToDoubleSeconds(options.time_limit);
    const Clock::time_point deadline =
        start + std::chrono::nanoseconds(absl::ToInt64Nanoseconds(options.time_limit));
    const int64_t max_iterations = options.max_iterations;
    tabu_until_.assign(u_count, 0);
    own_.assign(u_count, 0);
    gain_to_.assign(num_groups_, 0);
    load_.assign(num_groups_, 0);
    spread_.assign(num_groups_, 0);

    struct Member {
      std::vector<int> best;
      double best_objective = 0;
      bool fresh = true;
    };
    const int population_size = u_count < 2 || num_groups_ < 2 ? 1 : kPopulation;
    std::vector<Member> population;
    for (int k = 0; k < population_size; ++k) {
      CONVENE_ASSIGN_OR_RETURN(std::vector<int> assignment, Construct(k % 2 == 1));
      table_.Reset(assignment);
      population.push_back(Member{std::move(assignment), table_.objective()});
    }
    auto best_member = [&]() {
      return std::max_element(population.begin(), population.end(),
                              [](const Member& a, const Member& b) {
                                return a.best_objective < b.best_objective;
                              }) -
             population.begin();
    };
    if (u_count < 2 || num_groups_ < 2) return population.front().best;

    const int stall_limit = std::max(200, 5 * u_count);
    const int strength_low = std::max(1, u_count / 20);
    const int strength_high = std::max(2, u_count / 8);

    auto out_of_budget = [&]() {
      if (max_iterations > 0 && iterations_ >= max_iterations) return true;
      return timed && (iterations_ & 15) == 0 && Clock::now() >= deadline;
    };
    auto budget_used = [&]() {
      double used = 0;
      if (max_iterations > 0) used = static_cast<double>(iterations_) / max_iterations;
      if (timed) {
        used = std::max(
            used, std::chrono::duration<double>(Clock::now() - start).count() / limit_seconds);
      }
      return used;
    };

    size_t turn = 0;
    while (!out_of_budget()) {
      // Shrink the population: drop the worst members beyond the size allowed now.
      const size_t allowed =
          static_cast<size_t>(std::max(1.0, std::ceil(population_size * (1 - 2 * budget_used()))));
      while (population.size() > allowed) {
        auto worst = std::min_element(
            population.begin(), population.end(),
            [](const Member& a, const Member& b) { return a.best_objective < b.best_objective; });
        population.erase(worst);
      }
      Member& member = population[turn++ % population.size()];
      table_.Reset(member.best);
      RecountLoads();
      std::fill(tabu_until_.begin(), tabu_until_.end(), 0);
      if (member.fresh) {
        Descend(out_of_budget);
        member.fresh = false;
      } else {
        Perturb(strength_low + Uniform(strength_high - strength_low + 1));
      }
      if (table_.objective() > member.best_objective + 1e-9) {
        member.best_objective = table_.objective();
        member.best = table_.assignment();
      }

      // One tabu round: stops after `stall_limit` steps without beating the round's best.
      double round_best = table_.objective();
      int stall = 0;
      while (stall < stall_limit && !out_of_budget()) {
        Step step;
        bool any_feasible = false;
        const bool found = BestStep(member.best_objective, step, any_feasible);
        ++iterations_;
        if (!found) {
          if (!any_feasible) return member.best;  // no move or swap is possible at all
          std::fill(tabu_until_.begin(), tabu_until_.end(), 0);
          ++stall;
          continue;
        }
        Apply(step);
        const double objective = table_.objective();
        if (objective > round_best + 1e-9) {
          round_best = objective;
          stall = 0;
          if (objective > member.best_objective + 1e-9) {
            member.best_objective = objective;
            member.best = table_.assignment();
          }
        } else {
          ++stall;
        }
      }
    }
    return population[best_member()].best;
  }

  int64_t iterations() const { return iterations_; }

 private:
  struct Step {
    int u = -1;
    int v = -1;   // the swap partner, or -1 for a move
    int to = -1;  // the target group of a move
  };

  int Uniform(int k) { return static_cast<int>(rng_() % static_cast<uint64_t>(k)); }

  int Tenure() {
    // Short tenures work best on MDGPLIB: 0.1 n left too few items free (bench/mdgp/README.md).
    const int base = std::clamp(units_.count * 3 / 100, 1, 15);
    return base + Uniform(base + 1);
  }

  bool MoveFeasible(int u, int to) const {
    const int from = table_.group_of(u);
    const int w = units_.weight[u];
    const int s = units_.spread[u];
    return load_[from] - w >= min_[from] && load_[to] + w <= max_[to] &&
           spread_[from] - s >= spread_low_ && spread_[to] + s <= spread_high_;
  }

  bool SwapFeasible(int u, int v) const {
    const int dw = units_.weight[v] - units_.weight[u];
    const int ds = units_.spread[v] - units_.spread[u];
    if (dw == 0 && ds == 0) return true;
    const int g = table_.group_of(u);
    const int h = table_.group_of(v);
    return load_[g] + dw >= min_[g] && load_[g] + dw <= max_[g] && load_[h] - dw >= min_[h] &&
           load_[h] - dw <= max_[h] && spread_[g] + ds >= spread_low_ &&
           spread_[g] + ds <= spread_high_ && spread_[h] - ds >= spread_low_ &&
           spread_[h] - ds <= spread_high_;
  }

  // The best admissible step: highest gain, not tabu unless it beats the best objective; ties
  // broken at random. `any_feasible` tells whether any feasible step exists, tabu or not.
  bool BestStep(double best_objective, Step& chosen, bool& any_feasible) {
    const int u_count = units_.count;
    const std::vector<int>& a = table_.assignment();
    const double aspiration = best_objective - table_.objective() + 1e-9;
    const int64_t now = iterations_;
    for (int v = 0; v < u_count; ++v) own_[v] = table_.SumTo(v, a[v]);

    double best_gain = -std::numeric_limits<double>::infinity();
    int ties = 0;
    bool found = false;
    auto consider = [&](double gain, bool tabu, const Step& step) {
      any_feasible = true;
      if (tabu && gain <= aspiration) return;
      if (!found || gain > best_gain + 1e-9) {
        best_gain = gain;
        ties = 1;
        chosen = step;
        found = true;
      } else if (Uniform(++ties) == 0) {
        chosen = step;
      }
    };

    if (moves_possible_) {
      for (int u = 0; u < u_count; ++u) {
        const int g = a[u];
        for (int h = 0; h < num_groups_; ++h) {
          if (h == g) continue;
          const double gain = table_.SumTo(u, h) - own_[u];
          if (gain < best_gain - 1e-9 || !MoveFeasible(u, h)) continue;
          consider(gain, tabu_until_[u] > now, Step{u, -1, h});
        }
      }
    }
    for (int u = 0; u < u_count; ++u) {
      const int g = a[u];
      for (int h = 0; h < num_groups_; ++h) gain_to_[h] = table_.SumTo(u, h) - own_[u];
      const double* d_row = table_.d_row(u);
      const double* to_g = table_.sums_row(g);
      const double* own = own_.data();
      const double* gain_to = gain_to_.data();
      const int* groups = a.data();
      for (int v = u + 1; v < u_count; ++v) {
        const int h = groups[v];
        if (h == g) continue;
        const double gain = gain_to[h] + to_g[v] - own[v] - 2 * d_row[v];
        if (gain < best_gain - 1e-9 || !SwapFeasible(u, v)) continue;
        consider(gain, tabu_until_[u] > now || tabu_until_[v] > now, Step{u, v, -1});
      }
    }
    return found;
  }

  void Apply(const Step& step) {
    const int u = step.u;
    const int g = table_.group_of(u);
    if (step.v < 0) {
      load_[g] -= units_.weight[u];
      spread_[g] -= units_.spread[u];
      load_[step.to] += units_.weight[u];
      spread_[step.to] += units_.spread[u];
      table_.ApplyMove(u, step.to);
      tabu_until_[u] = iterations_ + Tenure();
      return;
    }
    const int v = step.v;
    const int h = table_.group_of(v);
    const int dw = units_.weight[v] - units_.weight[u];
    const int ds = units_.spread[v] - units_.spread[u];
    load_[g] += dw;
    load_[h] -= dw;
    spread_[g] += ds;
    spread_[h] -= ds;
    table_.ApplySwap(u, v);
    tabu_until_[u] = iterations_ + Tenure();
    tabu_until_[v] = iterations_ + Tenure();
  }

  // A fast first climb from a fresh start: for each unit in turn, apply its best improving move or
  // swap (O(n) per step instead of the tabu search's O(n^2)), until a full pass improves nothing.
  template <typename OutOfBudget>
  void Descend(const OutOfBudget& out_of_budget) {
    const int u_count = units_.count;
    bool improved = true;
    while (improved) {
      improved = false;
      for (int u = 0; u < u_count && !out_of_budget(); ++u) {
        const std::vector<int>& a = table_.assignment();
        const int g = a[u];
        const double own_u = table_.SumTo(u, g);
        const double* d_row = table_.d_row(u);
        const double* to_g = table_.sums_row(g);
        double best_gain = 1e-9;
        Step best;
        if (moves_possible_) {
          for (int h = 0; h < num_groups_; ++h) {
            const double gain = table_.SumTo(u, h) - own_u;
            if (h != g && gain > best_gain && MoveFeasible(u, h)) {
              best_gain = gain;
              best = Step{u, -1, h};
            }
          }
        }
        for (int v = 0; v < u_count; ++v) {
          const int h = a[v];
          if (h == g) continue;
          const double gain =
              table_.SumTo(u, h) - own_u + to_g[v] - table_.SumTo(v, h) - 2 * d_row[v];
          if (gain > best_gain && SwapFeasible(u, v)) {
            best_gain = gain;
            best = Step{u, v, -1};
          }
        }
        if (best.u >= 0) {
          Apply(best);
          ++iterations_;
          improved = true;
        }
      }
    }
  }

  void RecountLoads() {
    std::fill(load_.begin(), load_.end(), 0);
    std::fill(spread_.begin(), spread_.end(), 0);
    for (int u = 0; u < units_.count; ++u) {
      load_[table_.group_of(u)] += units_.weight[u];
      spread_[table_.group_of(u)] += units_.spread[u];
    }
  }

  void Perturb(int strength) {
    const int u_count = units_.count;
    for (int done = 0, tries = 0; done < strength && tries < 20 * strength; ++tries) {
      const int u = Uniform(u_count);
      if (moves_possible_ && Uniform(2) == 0) {
        const int h = Uniform(num_groups_);
        if (h == table_.group_of(u) || !MoveFeasible(u, h)) continue;
        Apply(Step{u, -1, h});
      } else {
        const int v = Uniform(u_count);
        if (table_.group_of(u) == table_.group_of(v) || !SwapFeasible(u, v)) continue;
        Apply(Step{u, v, -1});
      }
      ++done;
    }
  }

  Units units_;
  int num_groups_;
  std::mt19937_64 rng_;
  GainTable table_;
  std::vector<int> min_;
  std::vector<int> max_;
  std::vector<int> load_;
  std::vector<int> spread_;
  int spread_low_ = 0;
  int spread_high_ = 0;
  bool moves_possible_ = false;
  int64_t iterations_ = 0;
  std::vector<int64_t> tabu_until_;
  std::vector<double> own_;
  std::vector<double> gain_to_;
};

}  // namespace

absl::StatusOr<Solution> Solve(const Problem& problem, const SolveOptions& options) {
  const Clock::time_point start = Clock::now();
  CONVENE_RETURN_IF_ERROR(ValidateProblem(problem));
  if (options.time_limit <= absl::ZeroDuration() && options.max_iterations <= 0) {
    return absl::InvalidArgumentError("set a positive time limit or iteration budget");
  }
  const int n = problem.num_items;
  const int num_groups = problem.num_groups();
  int64_t min_total = 0;
  int64_t max_total = 0;
  int largest_group = 0;
  for (const GroupBounds& b : problem.groups) {
    min_total += b.min_size;
    max_total += b.max_size;
    largest_group = std::max(largest_group, b.max_size);
  }
  if (n < min_total || n > max_total) {
    return absl::FailedPreconditionError(absl::StrCat(n, " items cannot fill ", num_groups,
                                                      " groups whose sizes must add up to between ",
                                                      min_total, " and ", max_total));
  }
  CONVENE_ASSIGN_OR_RETURN(Units units, Contract(problem));
  for (int u = 0; u < units.count; ++u) {
    if (units.weight[u] > largest_group) {
      return absl::FailedPreconditionError(
          absl::StrCat("a keep-together set of ", units.weight[u], " items (",
                       absl::StrJoin(units.members[u], ", "),
                       ") is larger than the largest group allowed (", largest_group, ")"));
    }
  }
  const int64_t spread_high = CeilDiv(static_cast<int64_t>(problem.spread.size()), num_groups);
  for (int u = 0; u < units.count; ++u) {
    if (units.spread[u] > spread_high) {
      return absl::FailedPreconditionError(absl::StrCat(
          "a keep-together set (", absl::StrJoin(units.members[u], ", "), ") holds ",
          units.spread[u], " spread items, but a group may hold at most ", spread_high));
    }
  }
  CONVENE_RETURN_IF_ERROR(CheckApartCliques(problem, units));

  const std::vector<int> unit_of = units.unit_of;
  Search search(problem, std::move(units), options.seed);
  CONVENE_ASSIGN_OR_RETURN(const std::vector<int> best_units, search.Run(options, start));

  Solution solution;
  solution.assignment.resize(n);
  for (int i = 0; i < n; ++i) solution.assignment[i] = best_units[unit_of[i]];
  solution.objective = ComputeObjective(problem, solution.assignment);
  solution.iterations = search.iterations();
  solution.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  if (absl::Status feasible = CheckFeasible(problem, solution.assignment); !feasible.ok()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "no assignment honouring every constraint was found (best found: ", feasible.message(),
        "); the constraints are most likely impossible together"));
  }
  return solution;
}

}  // namespace convene::grouping
