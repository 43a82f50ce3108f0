// The agenda service's operations, one per RPC. Each asks registration what it needs first (the
// event, the people), without holding the store, then checks for clashes and writes in one store
// transaction. The gRPC handler only forwards to these.
//
// Thread-safe. Errors are as agenda_service.proto documents them.
#ifndef CONVENE_SERVICES_AGENDA_SCHEDULER_H_
#define CONVENE_SERVICES_AGENDA_SCHEDULER_H_

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "convene/agenda/v1/agenda_service.pb.h"
#include "services/agenda/agenda_store.h"
#include "services/common/registration_client.h"

namespace convene::agenda {

class Scheduler {
 public:
  Scheduler(AgendaStore* store, RegistrationClient* registration)
      : store_(store), registration_(registration) {}

  absl::Status AddSession(const v1::AddSessionRequest& request, v1::AddSessionResponse* response);
  absl::Status GetSession(const v1::GetSessionRequest& request, v1::GetSessionResponse* response);
  // For permission checks: the event of a session, of a participant (asked of registration);
  // NOT_FOUND naming the id.
  absl::StatusOr<std::string> EventOfSession(absl::string_view session_id);
  absl::StatusOr<std::string> EventOfParticipant(absl::string_view participant_id);
  absl::Status ListSessions(const v1::ListSessionsRequest& request,
                            v1::ListSessionsResponse* response);
  absl::Status UpdateSession(const v1::UpdateSessionRequest& request,
                             v1::UpdateSessionResponse* response);
  absl::Status RemoveSession(const v1::RemoveSessionRequest& request,
                             v1::RemoveSessionResponse* response);
  absl::Status GetSpeakerSchedule(const v1::GetSpeakerScheduleRequest& request,
                                  v1::GetSpeakerScheduleResponse* response);
  absl::Status SetRoom(const v1::SetRoomRequest& request, v1::SetRoomResponse* response);
  absl::Status ListRooms(const v1::ListRoomsRequest& request, v1::ListRoomsResponse* response);
  absl::Status ExportAgenda(const v1::ExportAgendaRequest& request,
                            v1::ExportAgendaResponse* response);

 private:
  using Directory = std::map<std::string, registration::v1::Participant>;

  // Checks a normalised session's chair and speakers with registration: each a non-cancelled
  // participant of the session's event. Returns them by id.
  absl::StatusOr<Directory> CheckPeople(const v1::Session& session);
  // Inside the write transaction: FAILED_PRECONDITION naming the clash when `session` would put a
  // person or a room in two places at once.
  absl::Status CheckClashes(const v1::Session& session, const registration::v1::Event& event,
                            const Directory& people);
  // Inside the write transaction: a warning when more people are expected than the room seats.
  // `confirmed` is the event's confirmed count (the audience when none is given).
  absl::Status AddRoomWarnings(const v1::Session& session, int confirmed,
                               google::protobuf::RepeatedPtrField<std::string>* warnings);
  // The event's confirmed count when the session's room might need it, else 0 (asked of
  // registration before the transaction).
  absl::StatusOr<int> AudienceIfNeeded(const v1::Session& session);
  // Renders sessions for output: local times in `zone_name`, people with names from `directory`.
  void Present(std::vector<v1::Session>& sessions, const Directory& directory,
               absl::string_view zone_name, const absl::TimeZone& zone);
  absl::StatusOr<Directory> EventDirectory(absl::string_view event_id);

  AgendaStore* store_;
  RegistrationClient* registration_;
};

}  // namespace convene::agenda

#endif  // CONVENE_SERVICES_AGENDA_SCHEDULER_H_
