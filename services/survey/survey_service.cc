#include "services/survey/survey_service.h"

#include <string>
#include <vector>

#include "services/common/unary.h"
#include "services/survey/tokens.h"

namespace convene::survey {
namespace {

// Who may call what (SECURITY.md has the whole table).
const RoleSet kSurveyStaff{authv1::ROLE_ORGANISER, authv1::ROLE_EVALUATOR};
const RoleSet kSurveyReaders{authv1::ROLE_ORGANISER, authv1::ROLE_EVALUATOR, authv1::ROLE_SERVICE};
const RoleSet kRespondents{authv1::ROLE_ORGANISER, authv1::ROLE_EVALUATOR,
                           authv1::ROLE_PARTICIPANT};
const RoleSet kReadersAndRespondents{authv1::ROLE_ORGANISER, authv1::ROLE_EVALUATOR,
                                     authv1::ROLE_SERVICE, authv1::ROLE_PARTICIPANT};

// One StreamResponses call: a page per message, the next read after the previous write is done.
class ResponseStream final : public grpc::ServerWriteReactor<grpc::ByteBuffer> {
 public:
  ResponseStream(Surveyor* surveyor, grpc::CallbackServerContext* context,
                 const grpc::ByteBuffer& request)
      : surveyor_(surveyor) {
    admitted_ = ServerCalls().Enter();
    if (!admitted_) {
      Finish(grpc::Status(grpc::StatusCode::UNAVAILABLE,
                          "the service is shutting down; retry on another instance"));
      return;
    }
    absl::StatusOr<Caller> caller = ServerGatekeeper().Authenticate(*context);
    absl::Status allowed = caller.status();
    if (allowed.ok()) allowed = CheckRole(*caller, kSurveyReaders);
    std::vector<grpc::Slice> slices;
    std::string bytes;
    if (request.Dump(&slices).ok()) {
      for (const grpc::Slice& slice : slices) {
        bytes.append(reinterpret_cast<const char*>(slice.begin()), slice.size());
      }
    }
    if (allowed.ok() && !request_.ParseFromString(bytes)) {
      allowed = absl::InvalidArgumentError("request: cannot be parsed");
    }
    if (allowed.ok() && !caller->AllEvents()) {
      absl::StatusOr<std::string> event_id = surveyor_->EventOfSurvey(request_.survey_id());
      allowed = event_id.ok() ? CheckEvent(*caller, *event_id) : event_id.status();
    }
    if (!allowed.ok()) {
      Finish(ToGrpcStatus(allowed));
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
  return ServeFor(
      context, kSurveyStaff, [=, this] { return request->survey().event_id(); },
      [=, this] { return surveyor_->CreateSurvey(*request, response); });
}

grpc::ServerUnaryReactor* SurveyServiceImpl::GetSurvey(grpc::CallbackServerContext* context,
                                                       const v1::GetSurveyRequest* request,
                                                       v1::GetSurveyResponse* response) {
  return ServeAs(context, kReadersAndRespondents, [=, this](const Caller& caller) -> absl::Status {
    if (caller.role == authv1::ROLE_PARTICIPANT) {
      // A respondent reads the questions of its own survey only.
      CONVENE_ASSIGN_OR_RETURN(bool own,
                               surveyor_->IsTokenOf(request->survey_id(), caller.survey_token));
      if (!own) {
        ServerGatekeeper().RecordFailure(*context);
        return absl::PermissionDeniedError("the survey token is not a token of this survey");
      }
    } else if (!caller.AllEvents()) {
      CONVENE_ASSIGN_OR_RETURN(std::string event_id,
                               surveyor_->EventOfSurvey(request->survey_id()));
      CONVENE_RETURN_IF_ERROR(CheckEvent(caller, event_id));
    }
    return surveyor_->GetSurvey(*request, response);
  });
}

grpc::ServerUnaryReactor* SurveyServiceImpl::ListSurveys(grpc::CallbackServerContext* context,
                                                         const v1::ListSurveysRequest* request,
                                                         v1::ListSurveysResponse* response) {
  return ServeFor(
      context, kSurveyReaders, [=, this] { return request->event_id(); },
      [=, this] { return surveyor_->ListSurveys(*request, response); });
}

grpc::ServerUnaryReactor* SurveyServiceImpl::UpdateSurvey(grpc::CallbackServerContext* context,
                                                          const v1::UpdateSurveyRequest* request,
                                                          v1::UpdateSurveyResponse* response) {
  return ServeFor(
      context, kSurveyStaff, [=, this] { return surveyor_->EventOfSurvey(request->survey().id()); },
      [=, this] { return surveyor_->UpdateSurvey(*request, response); });
}

grpc::ServerUnaryReactor* SurveyServiceImpl::OpenSurvey(grpc::CallbackServerContext* context,
                                                        const v1::OpenSurveyRequest* request,
                                                        v1::OpenSurveyResponse* response) {
  return ServeFor(
      context, kSurveyStaff, [=, this] { return surveyor_->EventOfSurvey(request->survey_id()); },
      [=, this] { return surveyor_->OpenSurvey(*request, response); });
}

grpc::ServerUnaryReactor* SurveyServiceImpl::CloseSurvey(grpc::CallbackServerContext* context,
                                                         const v1::CloseSurveyRequest* request,
                                                         v1::CloseSurveyResponse* response) {
  return ServeFor(
      context, kSurveyStaff, [=, this] { return surveyor_->EventOfSurvey(request->survey_id()); },
      [=, this] { return surveyor_->CloseSurvey(*request, response); });
}

grpc::ServerUnaryReactor* SurveyServiceImpl::CopySurvey(grpc::CallbackServerContext* context,
                                                        const v1::CopySurveyRequest* request,
                                                        v1::CopySurveyResponse* response) {
  return ServeAs(context, kSurveyStaff, [=, this](const Caller& caller) -> absl::Status {
    if (!caller.AllEvents()) {
      // Both the survey copied and the event of the copy must be the caller's.
      CONVENE_ASSIGN_OR_RETURN(std::string event_id,
                               surveyor_->EventOfSurvey(request->survey_id()));
      CONVENE_RETURN_IF_ERROR(CheckEvent(caller, event_id));
      if (!request->event_id().empty()) {
        CONVENE_RETURN_IF_ERROR(CheckEvent(caller, request->event_id()));
      }
    }
    return surveyor_->CopySurvey(*request, response);
  });
}

grpc::ServerUnaryReactor* SurveyServiceImpl::IssueTokens(grpc::CallbackServerContext* context,
                                                         const v1::IssueTokensRequest* request,
                                                         v1::IssueTokensResponse* response) {
  return ServeAs(context, kSurveyStaff, [=, this](const Caller& caller) -> absl::Status {
    if (!caller.AllEvents()) {
      CONVENE_ASSIGN_OR_RETURN(std::string event_id,
                               surveyor_->EventOfSurvey(request->survey_id()));
      CONVENE_RETURN_IF_ERROR(CheckEvent(caller, event_id));
    }
    CONVENE_RETURN_IF_ERROR(surveyor_->IssueTokens(*request, response));
    // Evaluators get the tokens without the participants' contact details.
    if (!caller.SeesContactDetails()) {
      for (v1::Token& token : *response->mutable_tokens()) token.clear_email();
    }
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* SurveyServiceImpl::SubmitResponse(
    grpc::CallbackServerContext* context, const v1::SubmitResponseRequest* request,
    v1::SubmitResponseResponse* response) {
  return ServeLocalAs(context, kRespondents, [=, this](const Caller& caller) -> absl::Status {
    const v1::SubmitResponseRequest* submitted = request;
    v1::SubmitResponseRequest with_token;  // a copy only when the request names no token
    if (caller.role == authv1::ROLE_PARTICIPANT) {
      // A respondent answers with the token it called with.
      if (request->token().empty()) {
        with_token = *request;
        with_token.set_token(caller.survey_token);
        submitted = &with_token;
      }
      if (NormalizeToken(submitted->token()) != NormalizeToken(caller.survey_token)) {
        return absl::PermissionDeniedError(
            "token: differs from the survey token the call was made with");
      }
    } else if (!caller.AllEvents()) {
      CONVENE_ASSIGN_OR_RETURN(std::string event_id,
                               surveyor_->EventOfSurvey(request->survey_id()));
      CONVENE_RETURN_IF_ERROR(CheckEvent(caller, event_id));
    }
    absl::Status status = surveyor_->SubmitResponse(*submitted, response);
    // An unknown token is a failed authentication (guessing tokens is rate-limited).
    if (absl::IsPermissionDenied(status)) ServerGatekeeper().RecordFailure(*context);
    return status;
  });
}

grpc::ServerUnaryReactor* SurveyServiceImpl::ImportResponses(
    grpc::CallbackServerContext* context, const v1::ImportResponsesRequest* request,
    v1::ImportResponsesResponse* response) {
  return ServeFor(
      context, kSurveyStaff, [=, this] { return surveyor_->EventOfSurvey(request->survey_id()); },
      [=, this] { return surveyor_->ImportResponses(*request, response); });
}

grpc::ServerUnaryReactor* SurveyServiceImpl::CodeAnswers(grpc::CallbackServerContext* context,
                                                         const v1::CodeAnswersRequest* request,
                                                         v1::CodeAnswersResponse* response) {
  return ServeFor(
      context, kSurveyStaff, [=, this] { return surveyor_->EventOfSurvey(request->survey_id()); },
      [=, this] { return surveyor_->CodeAnswers(*request, response); });
}

grpc::ServerUnaryReactor* SurveyServiceImpl::CountAnswers(grpc::CallbackServerContext* context,
                                                          const v1::CountAnswersRequest* request,
                                                          v1::CountAnswersResponse* response) {
  return ServeFor(
      context, kSurveyReaders, [=, this] { return surveyor_->EventOfSurvey(request->survey_id()); },
      [=, this] { return surveyor_->CountAnswers(*request, response); });
}

grpc::ServerWriteReactor<grpc::ByteBuffer>* SurveyServiceImpl::StreamResponses(
    grpc::CallbackServerContext* context, const grpc::ByteBuffer* request) {
  return new ResponseStream(surveyor_, context, *request);
}

}  // namespace convene::survey
