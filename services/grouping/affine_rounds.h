// Repeat-free rounds by construction, for the case the local search finds hardest: n people in g
// groups of exactly k, where g is a prime power and k <= g (32 people in 8 groups of 4, 25 in 5 of
// 5, 49 in 7 of 7...).
//
// The construction is the affine plane over the finite field GF(g), truncated to k rows: person
// (i, c) (row i < k, column c in GF(g)) sits, in round m (a slope in GF(g)), in group c - m*i. Two
// people in different rows meet in exactly one round (the slope through them); two in the same row
// never do, so when k divides g one more round groups each row into g/k tables. That gives g
// rounds, or g + 1 when k divides g: 9 repeat-free rounds for 32 people in 8 groups of 4 (10 is the
// known record). Round 1 is the given first round (its groups become the columns), so the diversity
// the solver found for it is kept; later rounds mix columns across rows.
#ifndef CONVENE_SERVICES_GROUPING_AFFINE_ROUNDS_H_
#define CONVENE_SERVICES_GROUPING_AFFINE_ROUNDS_H_

#include <cstdint>
#include <optional>
#include <vector>

namespace convene::grouping {

// How many repeat-free rounds the construction gives for n people in `groups` groups: 0 when it
// does not apply (sizes not all equal, `groups` not a prime power, or more people per group than
// groups).
int AffineRoundCount(int n, int groups);

// The first min(rounds, AffineRoundCount) rounds (group of each person, per round), starting from
// `first_round`, whose groups must all have n / groups members. nullopt when the construction does
// not apply. Any relabelling of people keeps the rounds repeat-free, so with a `dissimilarity`
// (n*n) the order of people within round 1's groups, and which group takes which field element, are
// improved by a seeded hill climb (`steps` proposals) to make the later rounds diverse too.
std::optional<std::vector<std::vector<int>>> AffineRounds(int n, int groups, int rounds,
                                                          const std::vector<int>& first_round,
                                                          const std::vector<double>& dissimilarity,
                                                          uint64_t seed, int steps);

}  // namespace convene::grouping

#endif  // CONVENE_SERVICES_GROUPING_AFFINE_ROUNDS_H_
