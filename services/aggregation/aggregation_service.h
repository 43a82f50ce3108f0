// The gRPC handler of convene.aggregation.v1.AggregationService. Thin by design: every method
// forwards to the Reporter (reporter.h).
#ifndef CONVENE_SERVICES_AGGREGATION_AGGREGATION_SERVICE_H_
#define CONVENE_SERVICES_AGGREGATION_AGGREGATION_SERVICE_H_

#include "convene/aggregation/v1/aggregation_service.grpc.pb.h"
#include "services/aggregation/reporter.h"

namespace convene::aggregation {

class AggregationServiceImpl final : public v1::AggregationService::CallbackService {
 public:
  explicit AggregationServiceImpl(Reporter* reporter) : reporter_(reporter) {}

  grpc::ServerUnaryReactor* SummarizeSurvey(grpc::CallbackServerContext* context,
                                            const v1::SummarizeSurveyRequest* request,
                                            v1::SummarizeSurveyResponse* response) override;
  grpc::ServerUnaryReactor* ComparePrePost(grpc::CallbackServerContext* context,
                                           const v1::ComparePrePostRequest* request,
                                           v1::ComparePrePostResponse* response) override;
  grpc::ServerUnaryReactor* SummarizeParticipation(
      grpc::CallbackServerContext* context, const v1::SummarizeParticipationRequest* request,
      v1::SummarizeParticipationResponse* response) override;
  grpc::ServerUnaryReactor* CompareEvents(grpc::CallbackServerContext* context,
                                          const v1::CompareEventsRequest* request,
                                          v1::CompareEventsResponse* response) override;

 private:
  Reporter* reporter_;
};

}  // namespace convene::aggregation

#endif  // CONVENE_SERVICES_AGGREGATION_AGGREGATION_SERVICE_H_
