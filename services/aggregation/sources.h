// Where the aggregation service reads from: the survey service (surveys, and responses as a stream)
// and the agenda service (who chairs and speaks). Registration is read through
// services/common/registration_client.h. Every call carries a deadline, and a service that cannot
// answer becomes one UNAVAILABLE error naming it. Thread-safe.
//
// The flags --survey_addr and --agenda_addr live here.
#ifndef CONVENE_SERVICES_AGGREGATION_SOURCES_H_
#define CONVENE_SERVICES_AGGREGATION_SOURCES_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/flags/declare.h"
#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "convene/agenda/v1/agenda_service.grpc.pb.h"
#include "convene/survey/v1/survey_service.grpc.pb.h"

ABSL_DECLARE_FLAG(std::string, survey_addr);
ABSL_DECLARE_FLAG(std::string, agenda_addr);

namespace convene::aggregation {

class SurveySource {
 public:
  // Unary calls get `timeout`; a whole response stream gets `stream_timeout`.
  SurveySource(std::string address, absl::Duration timeout, absl::Duration stream_timeout);
  static std::unique_ptr<SurveySource> FromFlags();

  absl::StatusOr<survey::v1::GetSurveyResponse> GetSurvey(absl::string_view survey_id);
  absl::StatusOr<std::vector<survey::v1::Survey>> ListSurveys(absl::string_view event_id);
  // How many responses gave each answer (the survey service keeps these counts).
  absl::StatusOr<survey::v1::CountAnswersResponse> CountAnswers(absl::string_view survey_id);
  // Calls `each` for every response of the survey, in submission order, a page at a time.
  absl::Status ForEachResponse(absl::string_view survey_id,
                               absl::FunctionRef<void(const survey::v1::Response&)> each);
  // The same for the responses after `resume_token` ("" = all); sets `*resume_token` to where a
  // later call resumes to read only newer ones.
  absl::Status ForEachResponseAfter(absl::string_view survey_id, std::string* resume_token,
                                    absl::FunctionRef<void(const survey::v1::Response&)> each);

 private:
  std::string address_;
  absl::Duration timeout_;
  absl::Duration stream_timeout_;
  std::unique_ptr<survey::v1::SurveyService::Stub> stub_;
};

class AgendaSource {
 public:
  AgendaSource(std::string address, absl::Duration timeout);
  static std::unique_ptr<AgendaSource> FromFlags();

  absl::StatusOr<std::vector<agenda::v1::Session>> ListSessions(absl::string_view event_id);

 private:
  std::string address_;
  absl::Duration timeout_;
  std::unique_ptr<agenda::v1::AgendaService::Stub> stub_;
};

}  // namespace convene::aggregation

#endif  // CONVENE_SERVICES_AGGREGATION_SOURCES_H_
