#include "services/agenda/agenda_service.h"

#include "services/common/unary.h"

namespace convene::agenda {
namespace {

// Who may call what (SECURITY.md has the whole table): organisers change the agenda; facilitators,
// evaluators and the other services read it.
const RoleSet kOrganisers{authv1::ROLE_ORGANISER};
const RoleSet kReaders{authv1::ROLE_ORGANISER, authv1::ROLE_FACILITATOR, authv1::ROLE_EVALUATOR,
                       authv1::ROLE_SERVICE};

}  // namespace

grpc::ServerUnaryReactor* AgendaServiceImpl::AddSession(grpc::CallbackServerContext* context,
                                                        const v1::AddSessionRequest* request,
                                                        v1::AddSessionResponse* response) {
  return ServeFor(
      context, kOrganisers, [=, this] { return request->session().event_id(); },
      [=, this] { return scheduler_->AddSession(*request, response); });
}

grpc::ServerUnaryReactor* AgendaServiceImpl::GetSession(grpc::CallbackServerContext* context,
                                                        const v1::GetSessionRequest* request,
                                                        v1::GetSessionResponse* response) {
  return ServeAs(context, kReaders, [=, this](const Caller& caller) -> absl::Status {
    CONVENE_RETURN_IF_ERROR(scheduler_->GetSession(*request, response));
    return CheckEvent(caller, response->session().event_id());
  });
}

grpc::ServerUnaryReactor* AgendaServiceImpl::ListSessions(grpc::CallbackServerContext* context,
                                                          const v1::ListSessionsRequest* request,
                                                          v1::ListSessionsResponse* response) {
  return ServeFor(
      context, kReaders, [=, this] { return request->event_id(); },
      [=, this] { return scheduler_->ListSessions(*request, response); });
}

grpc::ServerUnaryReactor* AgendaServiceImpl::UpdateSession(grpc::CallbackServerContext* context,
                                                           const v1::UpdateSessionRequest* request,
                                                           v1::UpdateSessionResponse* response) {
  return ServeFor(
      context, kOrganisers,
      [=, this] { return scheduler_->EventOfSession(request->session().id()); },
      [=, this] { return scheduler_->UpdateSession(*request, response); });
}

grpc::ServerUnaryReactor* AgendaServiceImpl::RemoveSession(grpc::CallbackServerContext* context,
                                                           const v1::RemoveSessionRequest* request,
                                                           v1::RemoveSessionResponse* response) {
  return ServeFor(
      context, kOrganisers, [=, this] { return scheduler_->EventOfSession(request->session_id()); },
      [=, this] { return scheduler_->RemoveSession(*request, response); });
}

grpc::ServerUnaryReactor* AgendaServiceImpl::GetSpeakerSchedule(
    grpc::CallbackServerContext* context, const v1::GetSpeakerScheduleRequest* request,
    v1::GetSpeakerScheduleResponse* response) {
  return ServeFor(
      context, kReaders,
      [=, this] { return scheduler_->EventOfParticipant(request->participant_id()); },
      [=, this] { return scheduler_->GetSpeakerSchedule(*request, response); });
}

grpc::ServerUnaryReactor* AgendaServiceImpl::SetRoom(grpc::CallbackServerContext* context,
                                                     const v1::SetRoomRequest* request,
                                                     v1::SetRoomResponse* response) {
  return ServeFor(
      context, kOrganisers, [=, this] { return request->room().event_id(); },
      [=, this] { return scheduler_->SetRoom(*request, response); });
}

grpc::ServerUnaryReactor* AgendaServiceImpl::ListRooms(grpc::CallbackServerContext* context,
                                                       const v1::ListRoomsRequest* request,
                                                       v1::ListRoomsResponse* response) {
  return ServeFor(
      context, kReaders, [=, this] { return request->event_id(); },
      [=, this] { return scheduler_->ListRooms(*request, response); });
}

grpc::ServerUnaryReactor* AgendaServiceImpl::ExportAgenda(grpc::CallbackServerContext* context,
                                                          const v1::ExportAgendaRequest* request,
                                                          v1::ExportAgendaResponse* response) {
  return ServeFor(
      context, kReaders, [=, this] { return request->event_id(); },
      [=, this] { return scheduler_->ExportAgenda(*request, response); });
}

}  // namespace convene::agenda
