#include "services/grouping/grouping_service.h"

#include "services/common/unary.h"

namespace convene::grouping {
namespace {

// Who may call what (SECURITY.md has the whole table): organisers and facilitators.
const RoleSet kGroupers{authv1::ROLE_ORGANISER, authv1::ROLE_FACILITATOR};

}  // namespace

grpc::ServerUnaryReactor* GroupingServiceImpl::MakePlan(grpc::CallbackServerContext* context,
                                                        const v1::MakePlanRequest* request,
                                                        v1::MakePlanResponse* response) {
  return ServeFor(
      context, kGroupers, [=, this] { return request->spec().event_id(); },
      [=, this] { return planner_->MakePlan(*request, response); });
}

grpc::ServerUnaryReactor* GroupingServiceImpl::GetPlan(grpc::CallbackServerContext* context,
                                                       const v1::GetPlanRequest* request,
                                                       v1::GetPlanResponse* response) {
  return ServeFor(
      context, kGroupers, [=, this] { return planner_->EventOfPlan(request->plan_id()); },
      [=, this] { return planner_->GetPlan(*request, response); });
}

grpc::ServerUnaryReactor* GroupingServiceImpl::ListPlans(grpc::CallbackServerContext* context,
                                                         const v1::ListPlansRequest* request,
                                                         v1::ListPlansResponse* response) {
  return ServeFor(
      context, kGroupers, [=, this] { return request->event_id(); },
      [=, this] { return planner_->ListPlans(*request, response); });
}

grpc::ServerUnaryReactor* GroupingServiceImpl::MoveMember(grpc::CallbackServerContext* context,
                                                          const v1::MoveMemberRequest* request,
                                                          v1::MoveMemberResponse* response) {
  return ServeFor(
      context, kGroupers, [=, this] { return planner_->EventOfPlan(request->plan_id()); },
      [=, this] { return planner_->MoveMember(*request, response); });
}

grpc::ServerUnaryReactor* GroupingServiceImpl::PublishPlan(grpc::CallbackServerContext* context,
                                                           const v1::PublishPlanRequest* request,
                                                           v1::PublishPlanResponse* response) {
  return ServeFor(
      context, kGroupers, [=, this] { return planner_->EventOfPlan(request->plan_id()); },
      [=, this] { return planner_->PublishPlan(*request, response); });
}

grpc::ServerUnaryReactor* GroupingServiceImpl::ExportPlan(grpc::CallbackServerContext* context,
                                                          const v1::ExportPlanRequest* request,
                                                          v1::ExportPlanResponse* response) {
  return ServeFor(
      context, kGroupers, [=, this] { return planner_->EventOfPlan(request->plan_id()); },
      [=, this] { return planner_->ExportPlan(*request, response); });
}

}  // namespace convene::grouping
