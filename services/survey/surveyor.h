// The survey service's operations, one per RPC. Each checks its request with the rules in
// survey_rules.h, asks registration what it needs (the event, the eligible participants, the
// respondent's attributes) without holding the store, then reads or writes in one store
// transaction. The gRPC handler only forwards to these.
//
// Tokens: one per eligible participant. A post-test names its pre-test (linked_survey_id) when it
// is created, before either has tokens; from then on one token serves both tests of the pair, once
// in each, and the responses of both carry the same pair key derived from that token (tokens.h).
//
// Thread-safe. Errors are as survey_service.proto documents them.
#ifndef CONVENE_SERVICES_SURVEY_SURVEYOR_H_
#define CONVENE_SERVICES_SURVEY_SURVEYOR_H_

#include <functional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "convene/survey/v1/survey_service.pb.h"
#include "services/common/registration_client.h"
#include "services/survey/survey_store.h"

namespace convene::survey {

class Surveyor {
 public:
  struct Options {
    // The clock, replaceable in tests (open and close times).
    std::function<absl::Time()> now = [] { return absl::Now(); };
  };

  Surveyor(SurveyStore* store, RegistrationClient* registration)
      : Surveyor(store, registration, Options()) {}
  Surveyor(SurveyStore* store, RegistrationClient* registration, Options options)
      : store_(store), registration_(registration), options_(std::move(options)) {}

  absl::Status CreateSurvey(const v1::CreateSurveyRequest& request,
                            v1::CreateSurveyResponse* response);
  // For permission checks: the event of a survey (NOT_FOUND naming it), and whether `token` is a
  // token of the survey (used or not).
  absl::StatusOr<std::string> EventOfSurvey(absl::string_view survey_id);
  absl::StatusOr<bool> IsTokenOf(absl::string_view survey_id, absl::string_view token);

  absl::Status GetSurvey(const v1::GetSurveyRequest& request, v1::GetSurveyResponse* response);
  absl::Status ListSurveys(const v1::ListSurveysRequest& request,
                           v1::ListSurveysResponse* response);
  absl::Status UpdateSurvey(const v1::UpdateSurveyRequest& request,
                            v1::UpdateSurveyResponse* response);
  absl::Status OpenSurvey(const v1::OpenSurveyRequest& request, v1::OpenSurveyResponse* response);
  absl::Status CloseSurvey(const v1::CloseSurveyRequest& request,
                           v1::CloseSurveyResponse* response);
  absl::Status CopySurvey(const v1::CopySurveyRequest& request, v1::CopySurveyResponse* response);
  absl::Status IssueTokens(const v1::IssueTokensRequest& request,
                           v1::IssueTokensResponse* response);
  absl::Status SubmitResponse(const v1::SubmitResponseRequest& request,
                              v1::SubmitResponseResponse* response);
  absl::Status ImportResponses(const v1::ImportResponsesRequest& request,
                               v1::ImportResponsesResponse* response);
  absl::Status CodeAnswers(const v1::CodeAnswersRequest& request,
                           v1::CodeAnswersResponse* response);
  absl::Status CountAnswers(const v1::CountAnswersRequest& request,
                            v1::CountAnswersResponse* response);
  // One message of StreamResponses, the page after request.page_token(), already serialized: it is
  // assembled from the stored bytes of each response without parsing them (the wire form of
  // StreamResponsesResponse is its responses' bytes, each behind a tag and a length).
  // `next_page_token` is empty on the last page.
  absl::Status ResponsesPage(const v1::StreamResponsesRequest& request, std::string* page,
                             std::string* next_page_token);

 private:
  // The stored survey with its state as of now (EffectiveState). Under a store lock.
  absl::StatusOr<v1::Survey> LoadSurvey(absl::string_view survey_id);
  // The scope of pair keys: the two linked survey ids in order, or "" for an unlinked survey.
  static std::string PairScope(const v1::Survey& survey);

  SurveyStore* store_;
  RegistrationClient* registration_;
  Options options_;
};

}  // namespace convene::survey

#endif  // CONVENE_SERVICES_SURVEY_SURVEYOR_H_
