// The aggregation service's operations, one per RPC: each reads what it needs from the survey,
// registration and agenda services (streaming responses, never holding them), and computes the
// figures with summary.h and statistics.h. The gRPC handler only forwards to these.
//
// Thread-safe (it keeps no state between calls). Errors are as aggregation_service.proto documents.
#ifndef CONVENE_SERVICES_AGGREGATION_REPORTER_H_
#define CONVENE_SERVICES_AGGREGATION_REPORTER_H_

#include "absl/status/status.h"
#include "convene/aggregation/v1/aggregation_service.pb.h"
#include "services/aggregation/sources.h"
#include "services/aggregation/summary_cache.h"
#include "services/common/registration_client.h"

namespace convene::aggregation {

class Reporter {
 public:
  Reporter(SurveySource* surveys, RegistrationClient* registration, AgendaSource* agenda)
      : surveys_(surveys), registration_(registration), agenda_(agenda) {}

  absl::Status SummarizeSurvey(const v1::SummarizeSurveyRequest& request,
                               v1::SummarizeSurveyResponse* response);
  absl::Status ComparePrePost(const v1::ComparePrePostRequest& request,
                              v1::ComparePrePostResponse* response);
  absl::Status SummarizeParticipation(const v1::SummarizeParticipationRequest& request,
                                      v1::SummarizeParticipationResponse* response);
  absl::Status CompareEvents(const v1::CompareEventsRequest& request,
                             v1::CompareEventsResponse* response);

 private:
  SurveySource* surveys_;
  RegistrationClient* registration_;
  AgendaSource* agenda_;
  // Survey summaries of recent calls, brought up to date with newer responses only.
  SummaryCache cache_{32};
};

}  // namespace convene::aggregation

#endif  // CONVENE_SERVICES_AGGREGATION_REPORTER_H_
