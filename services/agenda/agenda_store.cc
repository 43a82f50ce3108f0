#include "services/agenda/agenda_store.h"

#include "absl/strings/str_cat.h"
#include "services/agenda/session_rules.h"
#include "services/common/status.h"

namespace convene::agenda {
namespace {

using sqlite::Statement;

constexpr char kSchemaV1[] = R"sql(
CREATE TABLE sessions (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  event_id TEXT NOT NULL,
  start_micros INTEGER NOT NULL,
  session BLOB NOT NULL
);
CREATE INDEX sessions_by_event ON sessions (event_id, start_micros);
CREATE TABLE rooms (
  event_id TEXT NOT NULL,
  name_key TEXT NOT NULL,
  room BLOB NOT NULL,
  PRIMARY KEY (event_id, name_key)
) WITHOUT ROWID;
)sql";

constexpr char kInsertSessionSql[] =
    "INSERT INTO sessions (id, event_id, start_micros, session) VALUES (?, ?, ?, ?)";
constexpr char kUpdateSessionSql[] =
    "UPDATE sessions SET start_micros = ?, session = ? WHERE id = ?";
constexpr char kDeleteSessionSql[] = "DELETE FROM sessions WHERE id = ?";
constexpr char kSelectSessionSql[] = "SELECT session FROM sessions WHERE id = ?";
constexpr char kSelectSessionsOfEventSql[] =
    "SELECT session FROM sessions WHERE event_id = ? ORDER BY start_micros, seq";
constexpr char kCountSessionsOfEventSql[] = "SELECT COUNT(*) FROM sessions WHERE event_id = ?";
constexpr char kPutRoomSql[] =
    "INSERT INTO rooms (event_id, name_key, room) VALUES (?, ?, ?) "
    "ON CONFLICT (event_id, name_key) DO UPDATE SET room = excluded.room";
constexpr char kSelectRoomSql[] = "SELECT room FROM rooms WHERE event_id = ? AND name_key = ?";
constexpr char kSelectRoomsOfEventSql[] =
    "SELECT room FROM rooms WHERE event_id = ? ORDER BY name_key";
constexpr char kCountRoomsOfEventSql[] = "SELECT COUNT(*) FROM rooms WHERE event_id = ?";

absl::StatusOr<int> CountOf(sqlite::Database& db, const char* sql, absl::string_view event_id) {
  Statement stmt(db, sql);
  stmt.BindText(1, event_id);
  CONVENE_ASSIGN_OR_RETURN(bool has_row, stmt.Step());
  return has_row ? static_cast<int>(stmt.ColumnInt64(0)) : 0;
}

// What is stored: the session with its instants and the event's zone, without the rendered local
// times and the people's names (registration owns those).
std::string Stored(const v1::Session& session) {
  v1::Session copy = session;
  copy.clear_start();
  copy.clear_end();
  copy.clear_people();
  return copy.SerializeAsString();
}

int64_t StartMicros(const v1::Session& s) {
  return s.start_time().seconds() * 1000000 + s.start_time().nanos() / 1000;
}

}  // namespace

absl::StatusOr<std::unique_ptr<AgendaStore>> AgendaStore::Open(const std::string& path) {
  CONVENE_ASSIGN_OR_RETURN(auto db, sqlite::Database::Open({.path = path}));
  CONVENE_RETURN_IF_ERROR(db->Migrate({kSchemaV1, sqlite::kRequestLogSchema}));
  return std::unique_ptr<AgendaStore>(new AgendaStore(std::move(db)));
}

absl::Status AgendaStore::InsertSession(const v1::Session& session) {
  Statement stmt(*db_, kInsertSessionSql);
  stmt.BindText(1, session.id())
      .BindText(2, session.event_id())
      .BindInt64(3, StartMicros(session))
      .BindBlob(4, Stored(session));
  return stmt.Run();
}

absl::Status AgendaStore::UpdateSession(const v1::Session& session) {
  Statement stmt(*db_, kUpdateSessionSql);
  stmt.BindInt64(1, StartMicros(session)).BindBlob(2, Stored(session)).BindText(3, session.id());
  CONVENE_RETURN_IF_ERROR(stmt.Run());
  if (stmt.Changes() == 0) {
    return absl::NotFoundError(absl::StrCat("session ", session.id(), " does not exist"));
  }
  return absl::OkStatus();
}

absl::Status AgendaStore::DeleteSession(absl::string_view session_id) {
  Statement stmt(*db_, kDeleteSessionSql);
  stmt.BindText(1, session_id);
  CONVENE_RETURN_IF_ERROR(stmt.Run());
  if (stmt.Changes() == 0) {
    return absl::NotFoundError(absl::StrCat("session ", session_id, " does not exist"));
  }
  return absl::OkStatus();
}

absl::StatusOr<v1::Session> AgendaStore::GetSession(absl::string_view session_id) {
  Statement stmt(*db_, kSelectSessionSql);
  stmt.BindText(1, session_id);
  CONVENE_ASSIGN_OR_RETURN(bool found, stmt.Step());
  if (!found) return absl::NotFoundError(absl::StrCat("session ", session_id, " does not exist"));
  return sqlite::ColumnMessage<v1::Session>(stmt, 0);
}

absl::StatusOr<std::vector<v1::Session>> AgendaStore::SessionsOfEvent(absl::string_view event_id) {
  Statement stmt(*db_, kSelectSessionsOfEventSql);
  stmt.BindText(1, event_id);
  std::vector<v1::Session> sessions;
  while (true) {
    CONVENE_ASSIGN_OR_RETURN(bool has_row, stmt.Step());
    if (!has_row) break;
    CONVENE_ASSIGN_OR_RETURN(v1::Session session, sqlite::ColumnMessage<v1::Session>(stmt, 0));
    sessions.push_back(std::move(session));
  }
  return sessions;
}

absl::Status AgendaStore::PutRoom(const v1::Room& room) {
  Statement stmt(*db_, kPutRoomSql);
  stmt.BindText(1, room.event_id())
      .BindText(2, RoomKey(room.name()))
      .BindBlob(3, room.SerializeAsString());
  return stmt.Run();
}

absl::StatusOr<std::optional<v1::Room>> AgendaStore::FindRoom(absl::string_view event_id,
                                                              absl::string_view room_key) {
  Statement stmt(*db_, kSelectRoomSql);
  stmt.BindText(1, event_id).BindText(2, room_key);
  CONVENE_ASSIGN_OR_RETURN(bool found, stmt.Step());
  if (!found) return std::nullopt;
  return sqlite::ColumnMessage<v1::Room>(stmt, 0);
}

absl::StatusOr<std::vector<v1::Room>> AgendaStore::RoomsOfEvent(absl::string_view event_id) {
  Statement stmt(*db_, kSelectRoomsOfEventSql);
  stmt.BindText(1, event_id);
  std::vector<v1::Room> rooms;
  while (true) {
    CONVENE_ASSIGN_OR_RETURN(bool has_row, stmt.Step());
    if (!has_row) break;
    CONVENE_ASSIGN_OR_RETURN(v1::Room room, sqlite::ColumnMessage<v1::Room>(stmt, 0));
    rooms.push_back(std::move(room));
  }
  return rooms;
}

absl::StatusOr<int> AgendaStore::CountSessions(absl::string_view event_id) {
  return CountOf(*db_, kCountSessionsOfEventSql, event_id);
}

absl::StatusOr<int> AgendaStore::CountRooms(absl::string_view event_id) {
  return CountOf(*db_, kCountRoomsOfEventSql, event_id);
}

}  // namespace convene::agenda
