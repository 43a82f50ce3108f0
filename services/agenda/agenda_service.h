// The gRPC handler of convene.agenda.v1.AgendaService. Thin by design: every method forwards to the
// Scheduler (scheduler.h), which holds the operations.
#ifndef CONVENE_SERVICES_AGENDA_AGENDA_SERVICE_H_
#define CONVENE_SERVICES_AGENDA_AGENDA_SERVICE_H_

#include "convene/agenda/v1/agenda_service.grpc.pb.h"
#include "services/agenda/scheduler.h"

namespace convene::agenda {

class AgendaServiceImpl final : public v1::AgendaService::CallbackService {
 public:
  explicit AgendaServiceImpl(Scheduler* scheduler) : scheduler_(scheduler) {}

  grpc::ServerUnaryReactor* AddSession(grpc::CallbackServerContext* context,
                                       const v1::AddSessionRequest* request,
                                       v1::AddSessionResponse* response) override;
  grpc::ServerUnaryReactor* GetSession(grpc::CallbackServerContext* context,
                                       const v1::GetSessionRequest* request,
                                       v1::GetSessionResponse* response) override;
  grpc::ServerUnaryReactor* ListSessions(grpc::CallbackServerContext* context,
                                         const v1::ListSessionsRequest* request,
                                         v1::ListSessionsResponse* response) override;
  grpc::ServerUnaryReactor* UpdateSession(grpc::CallbackServerContext* context,
                                          const v1::UpdateSessionRequest* request,
                                          v1::UpdateSessionResponse* response) override;
  grpc::ServerUnaryReactor* RemoveSession(grpc::CallbackServerContext* context,
                                          const v1::RemoveSessionRequest* request,
                                          v1::RemoveSessionResponse* response) override;
  grpc::ServerUnaryReactor* GetSpeakerSchedule(grpc::CallbackServerContext* context,
                                               const v1::GetSpeakerScheduleRequest* request,
                                               v1::GetSpeakerScheduleResponse* response) override;
  grpc::ServerUnaryReactor* SetRoom(grpc::CallbackServerContext* context,
                                    const v1::SetRoomRequest* request,
                                    v1::SetRoomResponse* response) override;
  grpc::ServerUnaryReactor* ListRooms(grpc::CallbackServerContext* context,
                                      const v1::ListRoomsRequest* request,
                                      v1::ListRoomsResponse* response) override;
  grpc::ServerUnaryReactor* ExportAgenda(grpc::CallbackServerContext* context,
                                         const v1::ExportAgendaRequest* request,
                                         v1::ExportAgendaResponse* response) override;

 private:
  Scheduler* scheduler_;
};

}  // namespace convene::agenda

#endif  // CONVENE_SERVICES_AGENDA_AGENDA_SERVICE_H_
