// Several rounds of groups in which pairs meet again as rarely as possible (the social golfer
// problem). After each round has been solved for diversity on its own, RepairRepeats swaps people
// between groups of the same round to remove repeated meetings, keeping every constraint of the
// problem: group sizes (swaps never change them), keep-together units (never split), the spread set
// (a spread member only trades places with another) and keep-apart pairs.
//
// The search is the conflict-directed tabu search of Dotú and Van Hentenryck ("Scheduling social
// golfers locally", CPAIOR 2005): pick a person in a repeated pair, make the best swap of them with
// someone in another group of that round that is not tabu, and perturb when no progress is made.
// Pure and deterministic for a given seed and step budget.
#ifndef CONVENE_SERVICES_GROUPING_ROUNDS_H_
#define CONVENE_SERVICES_GROUPING_ROUNDS_H_

#include <cstdint>
#include <vector>

#include "services/grouping/mdgp.h"

namespace convene::grouping {

// Repeated meetings: over all pairs, the meetings beyond the first.
int64_t RepeatCount(const std::vector<std::vector<int>>& rounds, int num_items);

// Improves `rounds` (group of each item, per round) in place; returns the repeat count reached.
// `problem` supplies the constraints (its dissimilarity is not used).
int64_t RepairRepeats(const Problem& problem, std::vector<std::vector<int>>& rounds, uint64_t seed,
                      int64_t max_steps);

}  // namespace convene::grouping

#endif  // CONVENE_SERVICES_GROUPING_ROUNDS_H_
