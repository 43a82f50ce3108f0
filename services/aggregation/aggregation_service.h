// The gRPC handler of convene.aggregation.v1.AggregationService. Thin by design: every method
// checks who calls (ServeAs/ServeFor, unary.h) and forwards to the Reporter (reporter.h).
#ifndef CONVENE_SERVICES_AGGREGATION_AGGREGATION_SERVICE_H_
#define CONVENE_SERVICES_AGGREGATION_AGGREGATION_SERVICE_H_

#include "convene/aggregation/v1/aggregation_service.grpc.pb.h"
#include "services/aggregation/reporter.h"
#include "services/aggregation/sources.h"

namespace convene::aggregation {

class AggregationServiceImpl final : public v1::AggregationService::CallbackService {
 public:
  AggregationServiceImpl(Reporter* reporter, SurveySource* surveys)
      : reporter_(reporter), surveys_(surveys) {}

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
  // The event of a survey, asked of the survey service (for permission checks).
  absl::StatusOr<std::string> EventOfSurvey(absl::string_view survey_id);

  Reporter* reporter_;
  SurveySource* surveys_;
};

}  // namespace convene::aggregation

#endif  // CONVENE_SERVICES_AGGREGATION_AGGREGATION_SERVICE_H_
