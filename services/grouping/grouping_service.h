// The gRPC handler of convene.grouping.v1.GroupingService. Thin by design: every method forwards to
// the Planner (planner.h), which holds the operations.
#ifndef CONVENE_SERVICES_GROUPING_GROUPING_SERVICE_H_
#define CONVENE_SERVICES_GROUPING_GROUPING_SERVICE_H_

#include "convene/grouping/v1/grouping_service.grpc.pb.h"
#include "services/grouping/planner.h"

namespace convene::grouping {

class GroupingServiceImpl final : public v1::GroupingService::CallbackService {
 public:
  explicit GroupingServiceImpl(Planner* planner) : planner_(planner) {}

  grpc::ServerUnaryReactor* MakePlan(grpc::CallbackServerContext* context,
                                     const v1::MakePlanRequest* request,
                                     v1::MakePlanResponse* response) override;
  grpc::ServerUnaryReactor* GetPlan(grpc::CallbackServerContext* context,
                                    const v1::GetPlanRequest* request,
                                    v1::GetPlanResponse* response) override;
  grpc::ServerUnaryReactor* ListPlans(grpc::CallbackServerContext* context,
                                      const v1::ListPlansRequest* request,
                                      v1::ListPlansResponse* response) override;
  grpc::ServerUnaryReactor* MoveMember(grpc::CallbackServerContext* context,
                                       const v1::MoveMemberRequest* request,
                                       v1::MoveMemberResponse* response) override;
  grpc::ServerUnaryReactor* PublishPlan(grpc::CallbackServerContext* context,
                                        const v1::PublishPlanRequest* request,
                                        v1::PublishPlanResponse* response) override;
  grpc::ServerUnaryReactor* ExportPlan(grpc::CallbackServerContext* context,
                                       const v1::ExportPlanRequest* request,
                                       v1::ExportPlanResponse* response) override;

 private:
  Planner* planner_;
};

}  // namespace convene::grouping

#endif  // CONVENE_SERVICES_GROUPING_GROUPING_SERVICE_H_
