// All SQL of the agenda service: sessions and rooms, and the request log that makes retried adds
// idempotent, in one SQLite file. A session is stored whole as its proto (times as UTC instants;
// the local start/end strings are rendered on the way out), next to the columns used to find it.
//
// Thread safety: as sqlite::SerialDatabase. Every method must run while the caller holds a
// WriteTransaction (to write) or a ReadLock from this store; the methods do not lock.
#ifndef CONVENE_SERVICES_AGENDA_AGENDA_STORE_H_
#define CONVENE_SERVICES_AGENDA_AGENDA_STORE_H_

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "convene/agenda/v1/agenda.pb.h"
#include "services/common/sqlite/database.h"

namespace convene::agenda {

class AgendaStore {
 public:
  static absl::StatusOr<std::unique_ptr<AgendaStore>> Open(const std::string& path);

  using WriteTransaction = sqlite::SerialDatabase::WriteTransaction;
  using ReadLock = sqlite::SerialDatabase::ReadLock;
  std::unique_ptr<WriteTransaction> BeginWrite() { return serial_.BeginWrite(); }
  ReadLock LockForRead() { return serial_.LockForRead(); }
  sqlite::Database& db() { return *db_; }

  absl::Status InsertSession(const v1::Session& session);
  // NOT_FOUND naming the id when there is no such session.
  absl::Status UpdateSession(const v1::Session& session);
  absl::Status DeleteSession(absl::string_view session_id);
  absl::StatusOr<v1::Session> GetSession(absl::string_view session_id);
  // Every session of the event, in no particular order.
  absl::StatusOr<std::vector<v1::Session>> SessionsOfEvent(absl::string_view event_id);
  absl::StatusOr<int> CountSessions(absl::string_view event_id);

  // Creates the room or replaces its capacity (and the spelling of its name).
  absl::Status PutRoom(const v1::Room& room);
  absl::StatusOr<std::optional<v1::Room>> FindRoom(absl::string_view event_id,
                                                   absl::string_view room_key);
  // By name key.
  absl::StatusOr<std::vector<v1::Room>> RoomsOfEvent(absl::string_view event_id);
  absl::StatusOr<int> CountRooms(absl::string_view event_id);

 private:
  explicit AgendaStore(std::unique_ptr<sqlite::Database> db)
      : serial_(std::move(db)), db_(&serial_.db()) {}

  sqlite::SerialDatabase serial_;
  sqlite::Database* db_;  // serial_'s connection
};

}  // namespace convene::agenda

#endif  // CONVENE_SERVICES_AGENDA_AGENDA_STORE_H_
