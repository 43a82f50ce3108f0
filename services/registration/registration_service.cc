#include "services/registration/registration_service.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "services/common/unary.h"

namespace convene::registration {
namespace {

// Who may call what (SECURITY.md has the whole table).
const RoleSet kOrganisers{authv1::ROLE_ORGANISER};
// Reading events and participants (facilitators and evaluators without contact details).
const RoleSet kReaders{authv1::ROLE_ORGANISER, authv1::ROLE_FACILITATOR, authv1::ROLE_EVALUATOR,
                       authv1::ROLE_SERVICE};
const RoleSet kReporters{authv1::ROLE_ORGANISER, authv1::ROLE_EVALUATOR, authv1::ROLE_SERVICE};

// Facilitators and evaluators see participants without their contact details.
void HideContactDetails(const Caller& caller, v1::Participant& participant) {
  if (!caller.SeesContactDetails()) participant.clear_email();
}

}  // namespace

grpc::ServerUnaryReactor* RegistrationServiceImpl::CreateEvent(
    grpc::CallbackServerContext* context, const v1::CreateEventRequest* request,
    v1::CreateEventResponse* response) {
  return ServeLocalAs(context, kOrganisers, [=, this](const Caller& caller) -> absl::Status {
    if (!caller.AllEvents()) {
      return absl::PermissionDeniedError(absl::StrCat(
          caller.Describe(),
          " is limited to some events; creating events needs an organiser credential for every "
          "event"));
    }
    return registry_->CreateEvent(*request, response);
  });
}

grpc::ServerUnaryReactor* RegistrationServiceImpl::GetEvent(grpc::CallbackServerContext* context,
                                                            const v1::GetEventRequest* request,
                                                            v1::GetEventResponse* response) {
  return ServeLocalFor(
      context, kReaders, [=, this] { return request->event_id(); },
      [=, this] { return registry_->GetEvent(*request, response); });
}

grpc::ServerUnaryReactor* RegistrationServiceImpl::ListEvents(grpc::CallbackServerContext* context,
                                                              const v1::ListEventsRequest* request,
                                                              v1::ListEventsResponse* response) {
  return ServeLocalAs(context, kReaders, [=, this](const Caller& caller) -> absl::Status {
    CONVENE_RETURN_IF_ERROR(registry_->ListEvents(*request, response));
    // Only the caller's events (a page may then hold fewer than page_size).
    auto* events = response->mutable_events();
    events->erase(
        std::remove_if(events->begin(), events->end(),
                       [&](const v1::Event& event) { return !caller.MayUse(event.id()); }),
        events->end());
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* RegistrationServiceImpl::UpdateEvent(
    grpc::CallbackServerContext* context, const v1::UpdateEventRequest* request,
    v1::UpdateEventResponse* response) {
  return ServeLocalFor(
      context, kOrganisers, [=, this] { return request->event().id(); },
      [=, this] { return registry_->UpdateEvent(*request, response); });
}

grpc::ServerUnaryReactor* RegistrationServiceImpl::AddParticipant(
    grpc::CallbackServerContext* context, const v1::AddParticipantRequest* request,
    v1::AddParticipantResponse* response) {
  return ServeLocalFor(
      context, kOrganisers, [=, this] { return request->participant().event_id(); },
      [=, this] { return registry_->AddParticipant(*request, response); });
}

grpc::ServerUnaryReactor* RegistrationServiceImpl::ImportParticipants(
    grpc::CallbackServerContext* context, const v1::ImportParticipantsRequest* request,
    v1::ImportParticipantsResponse* response) {
  return ServeFor(
      context, kOrganisers, [=, this] { return request->event_id(); },
      [=, this] { return registry_->ImportParticipants(*request, response); });
}

grpc::ServerUnaryReactor* RegistrationServiceImpl::GetParticipant(
    grpc::CallbackServerContext* context, const v1::GetParticipantRequest* request,
    v1::GetParticipantResponse* response) {
  return ServeLocalAs(context, kReaders, [=, this](const Caller& caller) -> absl::Status {
    CONVENE_RETURN_IF_ERROR(registry_->GetParticipant(*request, response));
    CONVENE_RETURN_IF_ERROR(CheckEvent(caller, response->participant().event_id()));
    HideContactDetails(caller, *response->mutable_participant());
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* RegistrationServiceImpl::ListParticipants(
    grpc::CallbackServerContext* context, const v1::ListParticipantsRequest* request,
    v1::ListParticipantsResponse* response) {
  return ServeLocalAs(context, kReaders, [=, this](const Caller& caller) -> absl::Status {
    CONVENE_RETURN_IF_ERROR(CheckEvent(caller, request->event_id()));
    CONVENE_RETURN_IF_ERROR(registry_->ListParticipants(*request, response));
    for (v1::Participant& participant : *response->mutable_participants()) {
      HideContactDetails(caller, participant);
    }
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* RegistrationServiceImpl::UpdateParticipant(
    grpc::CallbackServerContext* context, const v1::UpdateParticipantRequest* request,
    v1::UpdateParticipantResponse* response) {
  return ServeLocalFor(
      context, kOrganisers,
      [=, this] { return registry_->EventOfParticipant(request->participant().id()); },
      [=, this] { return registry_->UpdateParticipant(*request, response); });
}

grpc::ServerUnaryReactor* RegistrationServiceImpl::CancelParticipant(
    grpc::CallbackServerContext* context, const v1::CancelParticipantRequest* request,
    v1::CancelParticipantResponse* response) {
  return ServeLocalFor(
      context, kOrganisers,
      [=, this] { return registry_->EventOfParticipant(request->participant_id()); },
      [=, this] { return registry_->CancelParticipant(*request, response); });
}

grpc::ServerUnaryReactor* RegistrationServiceImpl::CheckInParticipant(
    grpc::CallbackServerContext* context, const v1::CheckInParticipantRequest* request,
    v1::CheckInParticipantResponse* response) {
  return ServeLocalFor(
      context, kOrganisers,
      [=, this] { return registry_->EventOfParticipant(request->participant_id()); },
      [=, this] { return registry_->CheckInParticipant(*request, response); });
}

grpc::ServerUnaryReactor* RegistrationServiceImpl::GetParticipationSummary(
    grpc::CallbackServerContext* context, const v1::GetParticipationSummaryRequest* request,
    v1::GetParticipationSummaryResponse* response) {
  return ServeLocalFor(
      context, kReporters, [=, this] { return request->event_id(); },
      [=, this] { return registry_->GetParticipationSummary(*request, response); });
}

// --- AuthService ---------------------------------------------------------------------------------

grpc::ServerUnaryReactor* AuthServiceImpl::CreateCredential(
    grpc::CallbackServerContext* context, const authv1::CreateCredentialRequest* request,
    authv1::CreateCredentialResponse* response) {
  return ServeLocalAs(context, kOrganisers, [=, this](const Caller& caller) {
    return credentials_->Create(caller, *request, response);
  });
}

grpc::ServerUnaryReactor* AuthServiceImpl::ListCredentials(
    grpc::CallbackServerContext* context, const authv1::ListCredentialsRequest* request,
    authv1::ListCredentialsResponse* response) {
  return ServeLocalAs(context, kOrganisers, [=, this](const Caller& caller) {
    return credentials_->List(caller, *request, response);
  });
}

grpc::ServerUnaryReactor* AuthServiceImpl::RevokeCredential(
    grpc::CallbackServerContext* context, const authv1::RevokeCredentialRequest* request,
    authv1::RevokeCredentialResponse* response) {
  return ServeLocalAs(context, kOrganisers, [=, this](const Caller& caller) {
    return credentials_->Revoke(caller, *request, response);
  });
}

grpc::ServerUnaryReactor* AuthServiceImpl::ListVerifiers(
    grpc::CallbackServerContext* context, const authv1::ListVerifiersRequest* request,
    authv1::ListVerifiersResponse* response) {
  return ServeLocalAs(context, RoleSet{authv1::ROLE_SERVICE},
                      [=, this](const Caller&) { return credentials_->ListVerifiers(response); });
}

}  // namespace convene::registration
