// The grouping rules, free of gRPC and SQL: how participants and a PlanSpec become an MDGP problem
// (mdgp.h), how by-attribute and random plans are formed, and how a plan's quality is measured.
//
// Every function is pure and thread-safe. Validation errors are INVALID_ARGUMENT naming the field;
// constraints that cannot all hold are FAILED_PRECONDITION saying which.
#ifndef CONVENE_SERVICES_GROUPING_PLAN_RULES_H_
#define CONVENE_SERVICES_GROUPING_PLAN_RULES_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "convene/grouping/v1/grouping.pb.h"
#include "convene/registration/v1/registration.pb.h"
#include "services/grouping/mdgp.h"

namespace convene::grouping {

namespace reg = ::convene::registration::v1;

// Checks the spec's own fields and fills defaults: strategy DIVERSE, weights country 3, sector 2,
// gender 1 for DIVERSE, rounds 1.
absl::Status NormalizeSpec(v1::PlanSpec& spec);

// RESOURCE_EXHAUSTED naming eligibility when `eligible` people are more than one plan can mix
// (kMaxPlanParticipants, limits.h: the solver holds n * n dissimilarities).
absl::Status CheckPlanSize(int eligible);

// Sets the default mix: country 3, sector 2, gender 1 (replacing any weights).
void SetDefaultWeights(v1::PlanSpec& spec);

// The participants the spec makes eligible, in registration's arrival order.
std::vector<reg::Participant> Eligible(const v1::PlanSpec& spec,
                                       const std::vector<reg::Participant>& participants);

// A participant's value of an attribute: country, sector, gender, organization, role (display
// forms such as "civil-society"), or a custom attribute ("" when the participant has none).
std::string AttributeValue(const reg::Participant& participant, absl::string_view attribute);

// INVALID_ARGUMENT naming weights or by_attribute when no eligible participant has a value for an
// attribute the spec mixes or groups on (a typo such as "contry" would otherwise weigh nothing).
absl::Status CheckAttributesKnown(const v1::PlanSpec& spec,
                                  const std::vector<reg::Participant>& people);

// Size bounds of each group for `n` people: from group_count or group_size (sizes differ by at most
// one), narrowed by min_size/max_size. INVALID_ARGUMENT naming the field when impossible.
absl::StatusOr<std::vector<GroupBounds>> PlanBounds(const v1::PlanSpec& spec, int n);

// The MDGP problem for one round: the weighted count of attributes on which two people differ,
// minus a penalty for each earlier meeting in `met` (n*n counts, may be empty), plus the
// constraints of the spec mapped to indices. FAILED_PRECONDITION for an id that is not among
// `people`.
absl::StatusOr<Problem> BuildProblem(const v1::PlanSpec& spec,
                                     const std::vector<reg::Participant>& people,
                                     const std::vector<GroupBounds>& bounds,
                                     const std::vector<int>& met);

// STRATEGY_BY_ATTRIBUTE: one group per value of spec.by_attribute, values larger than max_size
// split evenly, values smaller than min_size merged into mixed groups when spec.merge_small.
// Returns the group of each person and each group's label.
struct AttributeGroups {
  std::vector<int> assignment;
  std::vector<std::string> labels;
};
absl::StatusOr<AttributeGroups> GroupByAttribute(const v1::PlanSpec& spec,
                                                 const std::vector<reg::Participant>& people);

// Builds the round's groups from an assignment (group of each person) and measures them: members,
// counts per attribute, diversity. `dissimilarity` is the n*n matrix without penalties.
v1::Round MakeRound(int number, const std::vector<reg::Participant>& people,
                    const std::vector<int>& assignment, int group_count,
                    const std::vector<std::string>& labels,
                    const std::vector<std::string>& attributes,
                    const std::vector<double>& dissimilarity);

// The attributes a plan reports counts for: the weighted ones, or by_attribute.
std::vector<std::string> ReportedAttributes(const v1::PlanSpec& spec);

// Recomputes the plan's quality from its rounds (objective, balance, repeat pairs) and the
// constraint report; keeps seed and solver time.
void MeasurePlan(const std::vector<double>& dissimilarity,
                 const std::vector<reg::Participant>& people, v1::GroupPlan& plan);

// The assignment (group index per person, 0-based) of one round of a plan, in `people` order.
absl::StatusOr<std::vector<int>> AssignmentOf(const v1::Round& round,
                                              const std::vector<reg::Participant>& people);

}  // namespace convene::grouping

#endif  // CONVENE_SERVICES_GROUPING_PLAN_RULES_H_
