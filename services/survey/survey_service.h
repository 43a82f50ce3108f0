// The gRPC handler of convene.survey.v1.SurveyService. Thin by design: every unary method forwards
// to the Surveyor (surveyor.h), and StreamResponses writes the Surveyor's pages one message at a
// time, reading the next page only when the client has taken the last (flow control), so a
// survey of any size streams in bounded memory.
#ifndef CONVENE_SERVICES_SURVEY_SURVEY_SERVICE_H_
#define CONVENE_SERVICES_SURVEY_SURVEY_SERVICE_H_

#include "convene/survey/v1/survey_service.grpc.pb.h"
#include "services/survey/surveyor.h"

namespace convene::survey {

// StreamResponses is a raw method: it writes pages assembled from stored bytes (see
// Surveyor::ResponsesPage) instead of messages parsed and serialized again.
class SurveyServiceImpl final : public v1::SurveyService::WithRawCallbackMethod_StreamResponses<
                                    v1::SurveyService::CallbackService> {
 public:
  explicit SurveyServiceImpl(Surveyor* surveyor) : surveyor_(surveyor) {}

  grpc::ServerUnaryReactor* CreateSurvey(grpc::CallbackServerContext* context,
                                         const v1::CreateSurveyRequest* request,
                                         v1::CreateSurveyResponse* response) override;
  grpc::ServerUnaryReactor* GetSurvey(grpc::CallbackServerContext* context,
                                      const v1::GetSurveyRequest* request,
                                      v1::GetSurveyResponse* response) override;
  grpc::ServerUnaryReactor* ListSurveys(grpc::CallbackServerContext* context,
                                        const v1::ListSurveysRequest* request,
                                        v1::ListSurveysResponse* response) override;
  grpc::ServerUnaryReactor* UpdateSurvey(grpc::CallbackServerContext* context,
                                         const v1::UpdateSurveyRequest* request,
                                         v1::UpdateSurveyResponse* response) override;
  grpc::ServerUnaryReactor* OpenSurvey(grpc::CallbackServerContext* context,
                                       const v1::OpenSurveyRequest* request,
                                       v1::OpenSurveyResponse* response) override;
  grpc::ServerUnaryReactor* CloseSurvey(grpc::CallbackServerContext* context,
                                        const v1::CloseSurveyRequest* request,
                                        v1::CloseSurveyResponse* response) override;
  grpc::ServerUnaryReactor* CopySurvey(grpc::CallbackServerContext* context,
                                       const v1::CopySurveyRequest* request,
                                       v1::CopySurveyResponse* response) override;
  grpc::ServerUnaryReactor* IssueTokens(grpc::CallbackServerContext* context,
                                        const v1::IssueTokensRequest* request,
                                        v1::IssueTokensResponse* response) override;
  grpc::ServerUnaryReactor* SubmitResponse(grpc::CallbackServerContext* context,
                                           const v1::SubmitResponseRequest* request,
                                           v1::SubmitResponseResponse* response) override;
  grpc::ServerUnaryReactor* ImportResponses(grpc::CallbackServerContext* context,
                                            const v1::ImportResponsesRequest* request,
                                            v1::ImportResponsesResponse* response) override;
  grpc::ServerUnaryReactor* CodeAnswers(grpc::CallbackServerContext* context,
                                        const v1::CodeAnswersRequest* request,
                                        v1::CodeAnswersResponse* response) override;
  grpc::ServerUnaryReactor* CountAnswers(grpc::CallbackServerContext* context,
                                         const v1::CountAnswersRequest* request,
                                         v1::CountAnswersResponse* response) override;
  grpc::ServerWriteReactor<grpc::ByteBuffer>* StreamResponses(
      grpc::CallbackServerContext* context, const grpc::ByteBuffer* request) override;

 private:
  Surveyor* surveyor_;
};

}  // namespace convene::survey

#endif  // CONVENE_SERVICES_SURVEY_SURVEY_SERVICE_H_
