#include "services/aggregation/aggregation_service.h"

#include "services/common/unary.h"

namespace convene::aggregation {

grpc::ServerUnaryReactor* AggregationServiceImpl::SummarizeSurvey(
    grpc::CallbackServerContext* context, const v1::SummarizeSurveyRequest* request,
    v1::SummarizeSurveyResponse* response) {
  return Serve(context, [&] { return reporter_->SummarizeSurvey(*request, response); });
}

grpc::ServerUnaryReactor* AggregationServiceImpl::ComparePrePost(
    grpc::CallbackServerContext* context, const v1::ComparePrePostRequest* request,
    v1::ComparePrePostResponse* response) {
  return Serve(context, [&] { return reporter_->ComparePrePost(*request, response); });
}

grpc::ServerUnaryReactor* AggregationServiceImpl::SummarizeParticipation(
    grpc::CallbackServerContext* context, const v1::SummarizeParticipationRequest* request,
    v1::SummarizeParticipationResponse* response) {
  return Serve(context, [&] { return reporter_->SummarizeParticipation(*request, response); });
}

grpc::ServerUnaryReactor* AggregationServiceImpl::CompareEvents(
    grpc::CallbackServerContext* context, const v1::CompareEventsRequest* request,
    v1::CompareEventsResponse* response) {
  return Serve(context, [&] { return reporter_->CompareEvents(*request, response); });
}

}  // namespace convene::aggregation
