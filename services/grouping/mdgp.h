// The solver core of the grouping service: the Maximally Diverse Grouping Problem (MDGP), free of
// gRPC and SQL.
//
// Split n items into G groups whose sizes lie within per-group bounds so that the sum, over groups,
// of the dissimilarities of the pairs inside each group is as large as possible. On top of the
// plain problem the service needs three kinds of constraints, honoured by every solution `Solve`
// returns or reported as impossible, never silently broken:
//   - keep-together sets: all items of a set end up in the same group;
//   - keep-apart pairs: the two items never share a group;
//   - one spread set (facilitators): every group holds floor(|S|/G) or ceil(|S|/G) of its items.
//
// Errors: a malformed problem (sizes that do not match, an item index out of range, min > max, a
// matrix that is not symmetric) is INVALID_ARGUMENT; a well-formed problem whose constraints cannot
// all be met (a keep-together set larger than every group, more mutually kept-apart items than
// groups, too few or too many items for the bounds) is FAILED_PRECONDITION. Messages are one
// sentence that names the items, groups or line at fault.
//
// Every function is pure and thread-safe; `GainTable` is a value type with no sharing.
#ifndef CONVENE_SERVICES_GROUPING_MDGP_H_
#define CONVENE_SERVICES_GROUPING_MDGP_H_

#include <cstdint>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "absl/types/span.h"

namespace convene::grouping {

// Inclusive size bounds of one group.
struct GroupBounds {
  int min_size = 0;
  int max_size = 0;
};

struct Problem {
  int num_items = 0;
  // num_items * num_items, row-major, symmetric; the diagonal is ignored.
  std::vector<double> dissimilarity;
  // One entry per group.
  std::vector<GroupBounds> groups;
  // Constraints (item indices, 0-based). Keep-together sets that share an item are merged.
  std::vector<std::pair<int, int>> keep_apart;
  std::vector<std::vector<int>> keep_together;
  std::vector<int> spread;

  double d(int i, int j) const { return dissimilarity[static_cast<size_t>(i) * num_items + j]; }
  int num_groups() const { return static_cast<int>(groups.size()); }
};

// Bounds for `num_groups` groups whose sizes differ by at most one: each between
// floor(n/G) and ceil(n/G). `num_groups` must be positive.
std::vector<GroupBounds> EvenGroupBounds(int num_items, int num_groups);

// Parses an MDGPLIB instance: line 1 is `n G ss|ds a_1 b_1 ... a_G b_G`, then one line `i j d_ij`
// (0-based) per pair, every pair exactly once. Errors are INVALID_ARGUMENT starting "line <k>: ".
absl::StatusOr<Problem> ParseMdgplib(absl::string_view text);

// Checks the shape of `problem` (see the error contract above); OK says nothing about whether the
// constraints can be met together.
absl::Status ValidateProblem(const Problem& problem);

// Sum over groups of the dissimilarities of the pairs inside each group, from scratch, O(n^2).
// `assignment[i]` is the group of item i; it must have num_items entries in [0, G).
double ComputeObjective(const Problem& problem, absl::Span<const int> assignment);

// OK if `assignment` puts every item in a group, every group within its bounds and honours every
// constraint; otherwise FAILED_PRECONDITION naming the first violation found.
absl::Status CheckFeasible(const Problem& problem, absl::Span<const int> assignment);

struct SolveOptions {
  uint64_t seed = 1;
  // The search stops at whichever limit comes first; at least one of them must be set. With only
  // `max_iterations` the result depends on the seed alone, not on the speed of the machine.
  absl::Duration time_limit = absl::ZeroDuration();
  int64_t max_iterations = 0;  // local-search steps; 0 = no limit
};

struct Solution {
  std::vector<int> assignment;  // group (0-based) of each item
  double objective = 0;         // ComputeObjective of `assignment`
  int64_t iterations = 0;       // local-search steps taken
  double seconds = 0;           // wall time spent in Solve
};

// Finds a feasible assignment with a large objective. Ten random feasible starts (half of them
// filling the groups in a random order, for uneven size profiles) are each climbed by a fast
// descent and then improved in turn by rounds of tabu search over the move (when the bounds allow)
// and swap neighbourhoods with incremental gains; a round ends after 5n steps without progress and
// the next round of that start begins from its best solution shaken by random swaps and moves. The
// worst starts are dropped linearly until, at half of the budget, only the best one is left (the
// dynamic population of TPSDP, Yang et al. 2022, without its crossover). Keep-together sets are
// searched as single units; keep-apart pairs carry a penalty larger than any objective, and a
// solution that still breaks one is FAILED_PRECONDITION. Runs on the calling thread only.
absl::StatusOr<Solution> Solve(const Problem& problem, const SolveOptions& options);

// The incremental bookkeeping of the search, public so that tests can hold it against brute force.
// For item i and group g it keeps D[i][g] = sum of d_ij over items j != i in g, so that
//   move gain (i: g -> h)            = D[i][h] - D[i][g]
//   swap gain (i in g with j in h)   = D[i][h] - D[i][g] + D[j][g] - D[j][h] - 2 d_ij
// cost O(1), and applying a move or a swap costs O(n).
class GainTable {
 public:
  // `dissimilarity` is n*n row-major and symmetric (its diagonal is ignored); `assignment` has n
  // entries in [0, num_groups). Sizes are not checked here.
  GainTable(std::vector<double> dissimilarity, int num_groups, std::vector<int> assignment);

  int num_items() const { return n_; }
  int num_groups() const { return g_; }
  int group_of(int item) const { return assignment_[item]; }
  const std::vector<int>& assignment() const { return assignment_; }
  double d(int i, int j) const { return d_[static_cast<size_t>(i) * n_ + j]; }
  // D[item][group].
  double SumTo(int item, int group) const { return sums_[static_cast<size_t>(group) * n_ + item]; }
  // The objective, maintained incrementally.
  double objective() const { return objective_; }

  double MoveGain(int item, int to) const {
    return SumTo(item, to) - SumTo(item, assignment_[item]);
  }
  double SwapGain(int i, int j) const;

  void ApplyMove(int item, int to);
  void ApplySwap(int i, int j);
  // Rebuilds D and the objective from scratch (sheds floating-point drift), O(n^2).
  void Recompute();
  void Reset(std::vector<int> assignment);

  // Raw rows for the solver's inner loop: d(i, .) and D(., g).
  const double* d_row(int i) const { return d_.data() + static_cast<size_t>(i) * n_; }
  const double* sums_row(int g) const { return sums_.data() + static_cast<size_t>(g) * n_; }

 private:
  int n_;
  int g_;
  std::vector<double> d_;
  std::vector<int> assignment_;
  std::vector<double> sums_;  // group-major: sums_[g * n + i] = D[i][g]
  double objective_ = 0;
};

}  // namespace convene::grouping

#endif  // CONVENE_SERVICES_GROUPING_MDGP_H_
