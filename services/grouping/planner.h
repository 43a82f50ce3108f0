// The grouping service's operations, one per RPC. MakePlan asks registration for the participants
// first (without holding the store), solves (mdgp.h) and stores the plan in one transaction; moves
// and publishing work on the stored plan and its participant snapshot.
//
// Thread-safe. Errors are as grouping_service.proto documents them.
#ifndef CONVENE_SERVICES_GROUPING_PLANNER_H_
#define CONVENE_SERVICES_GROUPING_PLANNER_H_

#include "absl/status/status.h"
#include "convene/grouping/v1/grouping_service.pb.h"
#include "services/common/registration_client.h"
#include "services/grouping/grouping_store.h"

namespace convene::grouping {

// Local-search steps for n people: each step scans the whole swap neighbourhood (about n^2/2
// pairs), so the budget shrinks with n^2. A budget of steps, not of time, keeps plans identical for
// the same inputs and seed on any machine.
int64_t SolverSteps(int n);
// Steps of the repeat repair (rounds.h) for n people in `groups` groups: each step scans about
// n * group size pairs.
int64_t RepairSteps(int n, int groups);
// Hill-climb proposals that make constructed rounds (affine_rounds.h) diverse.
int AffineSteps(int n, int rounds);

class Planner {
 public:
  Planner(GroupingStore* store, RegistrationClient* registration)
      : store_(store), registration_(registration) {}

  absl::Status MakePlan(const v1::MakePlanRequest& request, v1::MakePlanResponse* response);
  absl::Status GetPlan(const v1::GetPlanRequest& request, v1::GetPlanResponse* response);
  // For permission checks: the event of a plan; NOT_FOUND naming it.
  absl::StatusOr<std::string> EventOfPlan(absl::string_view plan_id);
  absl::Status ListPlans(const v1::ListPlansRequest& request, v1::ListPlansResponse* response);
  absl::Status MoveMember(const v1::MoveMemberRequest& request, v1::MoveMemberResponse* response);
  absl::Status PublishPlan(const v1::PublishPlanRequest& request,
                           v1::PublishPlanResponse* response);
  absl::Status ExportPlan(const v1::ExportPlanRequest& request, v1::ExportPlanResponse* response);

 private:
  GroupingStore* store_;
  RegistrationClient* registration_;
};

}  // namespace convene::grouping

#endif  // CONVENE_SERVICES_GROUPING_PLANNER_H_
