#include "services/registration/registration_service.h"

#include "services/common/unary.h"

namespace convene::registration {

grpc::ServerUnaryReactor* RegistrationServiceImpl::CreateEvent(
    grpc::CallbackServerContext* context, const v1::CreateEventRequest* request,
    v1::CreateEventResponse* response) {
  return Serve(context, [&] { return registry_->CreateEvent(*request, response); });
}

grpc::ServerUnaryReactor* RegistrationServiceImpl::GetEvent(grpc::CallbackServerContext* context,
                                                            const v1::GetEventRequest* request,
                                                            v1::GetEventResponse* response) {
  return Serve(context, [&] { return registry_->GetEvent(*request, response); });
}

grpc::ServerUnaryReactor* RegistrationServiceImpl::ListEvents(grpc::CallbackServerContext* context,
                                                              const v1::ListEventsRequest* request,
                                                              v1::ListEventsResponse* response) {
  return Serve(context, [&] { return registry_->ListEvents(*request, response); });
}

grpc::ServerUnaryReactor* RegistrationServiceImpl::UpdateEvent(
    grpc::CallbackServerContext* context, const v1::UpdateEventRequest* request,
    v1::UpdateEventResponse* response) {
  return Serve(context, [&] { return registry_->UpdateEvent(*request, response); });
}

grpc::ServerUnaryReactor* RegistrationServiceImpl::AddParticipant(
    grpc::CallbackServerContext* context, const v1::AddParticipantRequest* request,
    v1::AddParticipantResponse* response) {
  return Serve(context, [&] { return registry_->AddParticipant(*request, response); });
}

grpc::ServerUnaryReactor* RegistrationServiceImpl::ImportParticipants(
    grpc::CallbackServerContext* context, const v1::ImportParticipantsRequest* request,
    v1::ImportParticipantsResponse* response) {
  return Serve(context, [&] { return registry_->ImportParticipants(*request, response); });
}

grpc::ServerUnaryReactor* RegistrationServiceImpl::GetParticipant(
    grpc::CallbackServerContext* context, const v1::GetParticipantRequest* request,
    v1::GetParticipantResponse* response) {
  return Serve(context, [&] { return registry_->GetParticipant(*request, response); });
}

grpc::ServerUnaryReactor* RegistrationServiceImpl::ListParticipants(
    grpc::CallbackServerContext* context, const v1::ListParticipantsRequest* request,
    v1::ListParticipantsResponse* response) {
  return Serve(context, [&] { return registry_->ListParticipants(*request, response); });
}

grpc::ServerUnaryReactor* RegistrationServiceImpl::UpdateParticipant(
    grpc::CallbackServerContext* context, const v1::UpdateParticipantRequest* request,
    v1::UpdateParticipantResponse* response) {
  return Serve(context, [&] { return registry_->UpdateParticipant(*request, response); });
}

grpc::ServerUnaryReactor* RegistrationServiceImpl::CancelParticipant(
    grpc::CallbackServerContext* context, const v1::CancelParticipantRequest* request,
    v1::CancelParticipantResponse* response) {
  return Serve(context, [&] { return registry_->CancelParticipant(*request, response); });
}

grpc::ServerUnaryReactor* RegistrationServiceImpl::CheckInParticipant(
    grpc::CallbackServerContext* context, const v1::CheckInParticipantRequest* request,
    v1::CheckInParticipantResponse* response) {
  return Serve(context, [&] { return registry_->CheckInParticipant(*request, response); });
}

grpc::ServerUnaryReactor* RegistrationServiceImpl::GetParticipationSummary(
    grpc::CallbackServerContext* context, const v1::GetParticipationSummaryRequest* request,
    v1::GetParticipationSummaryResponse* response) {
  return Serve(context, [&] { return registry_->GetParticipationSummary(*request, response); });
}

}  // namespace convene::registration
