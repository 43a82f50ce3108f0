#include "services/aggregation/aggregation_service.h"

#include "services/common/unary.h"

namespace convene::aggregation {
namespace {

// Who may call what (SECURITY.md has the whole table): organisers and evaluators.
const RoleSet kReporters{authv1::ROLE_ORGANISER, authv1::ROLE_EVALUATOR};

}  // namespace

absl::StatusOr<std::string> AggregationServiceImpl::EventOfSurvey(absl::string_view survey_id) {
  if (survey_id.empty()) return absl::InvalidArgumentError("survey_id: is required");
  CONVENE_ASSIGN_OR_RETURN(survey::v1::GetSurveyResponse survey, surveys_->GetSurvey(survey_id));
  return survey.survey().event_id();
}

grpc::ServerUnaryReactor* AggregationServiceImpl::SummarizeSurvey(
    grpc::CallbackServerContext* context, const v1::SummarizeSurveyRequest* request,
    v1::SummarizeSurveyResponse* response) {
  return ServeFor(
      context, kReporters, [=, this] { return EventOfSurvey(request->survey_id()); },
      [=, this] { return reporter_->SummarizeSurvey(*request, response); });
}

grpc::ServerUnaryReactor* AggregationServiceImpl::ComparePrePost(
    grpc::CallbackServerContext* context, const v1::ComparePrePostRequest* request,
    v1::ComparePrePostResponse* response) {
  return ServeAs(context, kReporters, [=, this](const Caller& caller) -> absl::Status {
    for (const std::string& survey_id : {request->pre_survey_id(), request->post_survey_id()}) {
      if (caller.AllEvents()) break;
      CONVENE_ASSIGN_OR_RETURN(std::string event_id, EventOfSurvey(survey_id));
      CONVENE_RETURN_IF_ERROR(CheckEvent(caller, event_id));
    }
    return reporter_->ComparePrePost(*request, response);
  });
}

grpc::ServerUnaryReactor* AggregationServiceImpl::SummarizeParticipation(
    grpc::CallbackServerContext* context, const v1::SummarizeParticipationRequest* request,
    v1::SummarizeParticipationResponse* response) {
  return ServeFor(
      context, kReporters, [=, this] { return request->event_id(); },
      [=, this] { return reporter_->SummarizeParticipation(*request, response); });
}

grpc::ServerUnaryReactor* AggregationServiceImpl::CompareEvents(
    grpc::CallbackServerContext* context, const v1::CompareEventsRequest* request,
    v1::CompareEventsResponse* response) {
  return ServeAs(context, kReporters, [=, this](const Caller& caller) -> absl::Status {
    for (const std::string& event_id : request->event_ids()) {
      CONVENE_RETURN_IF_ERROR(CheckEvent(caller, event_id));
    }
    return reporter_->CompareEvents(*request, response);
  });
}

}  // namespace convene::aggregation
