#include "services/survey/survey_service.h"

#include <string>
#include <vector>

#include "services/common/unary.h"

namespace convene::survey {
namespace {

// One StreamResponses call: a page per message, the next read after the previous write is done.
class ResponseStream final : public grpc::ServerWriteReactor<grpc::ByteBuffer> {
 public:
  ResponseStream(Surveyor* surveyor, const grpc::ByteBuffer& request) : surveyor_(surveyor) {
    admitted_ = ServerCalls().Enter();
    if (!admitted_) {
      Finish(grpc::Status(grpc::StatusCode::UNAVAILABLE,
                          "the service is shutting down; retry on another instance"));
      return;
    }
    std::vector<grpc::Slice> slices;
    std::string bytes;
    if (request.Dump(&slices).ok()) {
      for (const grpc::Slice& slice : slices) {
        bytes.append(reinterpret_cast<const char*>(slice.begin()), slice.size());
      }
    }
    if (!request_.ParseFromString(bytes)) {
      Finish(grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "request: cannot be parsed"));
      return;
    }
    WriteNextPage();
  }

  void OnWriteDone(bool ok) override {
    if (!ok) {
      Finish(grpc::Status(grpc::StatusCode::CANCELLED, "the client stopped reading"));
      return;
    }
    WriteNextPage();
  }

  void OnDone() override {
    if (admitted_) ServerCalls().Leave();
    delete this;
  }

 private:
  void WriteNextPage() {
    std::string page, next_page_token;
    const absl::Status status = surveyor_->ResponsesPage(request_, &page, &next_page_token);
    if (!status.ok()) {
      Finish(ToGrpcStatus(status));
      return;
    }
    // The slice takes the page's bytes without copying them, and frees them once sent.
    auto* owned = new std::string(std::move(page));
    grpc::Slice slice(
        owned->data(), owned->size(), [](void* p) { delete static_cast<std::string*>(p); }, owned);
    buffer_ = grpc::ByteBuffer(&slice, 1);
    if (next_page_token.empty()) {
      StartWriteAndFinish(&buffer_, grpc::WriteOptions(), grpc::Status::OK);
      return;
    }
    request_.set_page_token(std::move(next_page_token));
    StartWrite(&buffer_);
  }

  Surveyor* surveyor_;
  v1::StreamResponsesRequest request_;
  grpc::ByteBuffer buffer_;
  bool admitted_ = false;
};

}  // namespace

grpc::ServerUnaryReactor* SurveyServiceImpl::CreateSurvey(grpc::CallbackServerContext* context,
                                                          const v1::CreateSurveyRequest* request,
                                                          v1::CreateSurveyResponse* response) {
  return Serve(context, [&] { return surveyor_->CreateSurvey(*request, response); });
}

grpc::ServerUnaryReactor* SurveyServiceImpl::GetSurvey(grpc::CallbackServerContext* context,
                                                       const v1::GetSurveyRequest* request,
                                                       v1::GetSurveyResponse* response) {
  return Serve(context, [&] { return surveyor_->GetSurvey(*request, response); });
}

grpc::ServerUnaryReactor* SurveyServiceImpl::ListSurveys(grpc::CallbackServerContext* context,
                                                         const v1::ListSurveysRequest* request,
                                                         v1::ListSurveysResponse* response) {
  return Serve(context, [&] { return surveyor_->ListSurveys(*request, response); });
}

grpc::ServerUnaryReactor* SurveyServiceImpl::UpdateSurvey(grpc::CallbackServerContext* context,
                                                          const v1::UpdateSurveyRequest* request,
                                                          v1::UpdateSurveyResponse* response) {
  return Serve(context, [&] { return surveyor_->UpdateSurvey(*request, response); });
}

grpc::ServerUnaryReactor* SurveyServiceImpl::OpenSurvey(grpc::CallbackServerContext* context,
                                                        const v1::OpenSurveyRequest* request,
                                                        v1::OpenSurveyResponse* response) {
  return Serve(context, [&] { return surveyor_->OpenSurvey(*request, response); });
}

grpc::ServerUnaryReactor* SurveyServiceImpl::CloseSurvey(grpc::CallbackServerContext* context,
                                                         const v1::CloseSurveyRequest* request,
                                                         v1::CloseSurveyResponse* response) {
  return Serve(context, [&] { return surveyor_->CloseSurvey(*request, response); });
}

grpc::ServerUnaryReactor* SurveyServiceImpl::CopySurvey(grpc::CallbackServerContext* context,
                                                        const v1::CopySurveyRequest* request,
                                                        v1::CopySurveyResponse* response) {
  return Serve(context, [&] { return surveyor_->CopySurvey(*request, response); });
}

grpc::ServerUnaryReactor* SurveyServiceImpl::IssueTokens(grpc::CallbackServerContext* context,
                                                         const v1::IssueTokensRequest* request,
                                                         v1::IssueTokensResponse* response) {
  return Serve(context, [&] { return surveyor_->IssueTokens(*request, response); });
}

grpc::ServerUnaryReactor* SurveyServiceImpl::SubmitResponse(
    grpc::CallbackServerContext* context, const v1::SubmitResponseRequest* request,
    v1::SubmitResponseResponse* response) {
  return Serve(context, [&] { return surveyor_->SubmitResponse(*request, response); });
}

grpc::ServerUnaryReactor* SurveyServiceImpl::ImportResponses(
    grpc::CallbackServerContext* context, const v1::ImportResponsesRequest* request,
    v1::ImportResponsesResponse* response) {
  return Serve(context, [&] { return surveyor_->ImportResponses(*request, response); });
}

grpc::ServerUnaryReactor* SurveyServiceImpl::CodeAnswers(grpc::CallbackServerContext* context,
                                                         const v1::CodeAnswersRequest* request,
                                                         v1::CodeAnswersResponse* response) {
  return Serve(context, [&] { return surveyor_->CodeAnswers(*request, response); });
}

grpc::ServerWriteReactor<grpc::ByteBuffer>* SurveyServiceImpl::StreamResponses(
    grpc::CallbackServerContext* context, const grpc::ByteBuffer* request) {
  return new ResponseStream(surveyor_, *request);
}

}  // namespace convene::survey
