#include "services/agenda/agenda_service.h"

#include "services/common/unary.h"

namespace convene::agenda {

grpc::ServerUnaryReactor* AgendaServiceImpl::AddSession(grpc::CallbackServerContext* context,
                                                        const v1::AddSessionRequest* request,
                                                        v1::AddSessionResponse* response) {
  return Serve(context, [&] { return scheduler_->AddSession(*request, response); });
}

grpc::ServerUnaryReactor* AgendaServiceImpl::GetSession(grpc::CallbackServerContext* context,
                                                        const v1::GetSessionRequest* request,
                                                        v1::GetSessionResponse* response) {
  return Serve(context, [&] { return scheduler_->GetSession(*request, response); });
}

grpc::ServerUnaryReactor* AgendaServiceImpl::ListSessions(grpc::CallbackServerContext* context,
                                                          const v1::ListSessionsRequest* request,
                                                          v1::ListSessionsResponse* response) {
  return Serve(context, [&] { return scheduler_->ListSessions(*request, response); });
}

grpc::ServerUnaryReactor* AgendaServiceImpl::UpdateSession(grpc::CallbackServerContext* context,
                                                           const v1::UpdateSessionRequest* request,
                                                           v1::UpdateSessionResponse* response) {
  return Serve(context, [&] { return scheduler_->UpdateSession(*request, response); });
}

grpc::ServerUnaryReactor* AgendaServiceImpl::RemoveSession(grpc::CallbackServerContext* context,
                                                           const v1::RemoveSessionRequest* request,
                                                           v1::RemoveSessionResponse* response) {
  return Serve(context, [&] { return scheduler_->RemoveSession(*request, response); });
}

grpc::ServerUnaryReactor* AgendaServiceImpl::GetSpeakerSchedule(
    grpc::CallbackServerContext* context, const v1::GetSpeakerScheduleRequest* request,
    v1::GetSpeakerScheduleResponse* response) {
  return Serve(context, [&] { return scheduler_->GetSpeakerSchedule(*request, response); });
}

grpc::ServerUnaryReactor* AgendaServiceImpl::SetRoom(grpc::CallbackServerContext* context,
                                                     const v1::SetRoomRequest* request,
                                                     v1::SetRoomResponse* response) {
  return Serve(context, [&] { return scheduler_->SetRoom(*request, response); });
}

grpc::ServerUnaryReactor* AgendaServiceImpl::ListRooms(grpc::CallbackServerContext* context,
                                                       const v1::ListRoomsRequest* request,
                                                       v1::ListRoomsResponse* response) {
  return Serve(context, [&] { return scheduler_->ListRooms(*request, response); });
}

grpc::ServerUnaryReactor* AgendaServiceImpl::ExportAgenda(grpc::CallbackServerContext* context,
                                                          const v1::ExportAgendaRequest* request,
                                                          v1::ExportAgendaResponse* response) {
  return Serve(context, [&] { return scheduler_->ExportAgenda(*request, response); });
}

}  // namespace convene::agenda
