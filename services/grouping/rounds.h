// Several rounds of groups in which pairs meet again as rarely as possible (the social golfer
// problem). After each round has been solved for diversity on its own, RepairRepeats swaps people
// between groups of the same round to remove repeated meetings, keeping every constraint of the
// problem: group sizes (swaps never change them), keep-together units (never split), the spread set
// (a spread member only trades places with another) and keep-apart pairs.
//
// The search is the conflict-directed tabu search of Dotu and Van Hentenryck ("Scheduling social
// golfers locally", CPAIOR 2005): each step makes the best swap (ties at random) of a person in a
// repeated pair with someone in another group of that round; undoing a swap is tabu for 4..100
// steps (aspiration: allowed if it beats the best); after 500 steps without a new best the search
// restarts from the best schedule shaken by 8 random legal swaps. Pair meetings and per
// (round, person) conflict counts are kept incrementally, so a swap's change is O(group size).
// Pure and deterministic for a given seed and step budget. For equal groups of a prime-power count
// the planner builds repeat-free rounds directly (affine_rounds.h) and only uses this search beyond
// them or when constraints apply. Known limit of the search alone: 32 people in 8 groups of 4
// reach 0 repeats for 7 rounds, 0-1 for 8, but still 8-9 for 9 (bench/mdgp/README.md); greedy
// initial schedules (Triska and Musliu 2012) and pair weighting were tried and did not help.
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
