#include "services/registration/registration_store.h"

#include "absl/strings/str_cat.h"
#include "services/common/dates.h"
#include "services/common/status.h"
#include "services/registration/rules.h"

namespace convene::registration {
namespace {

using sqlite::Statement;

constexpr char kSchemaV1[] = R"sql(
CREATE TABLE events (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  event BLOB NOT NULL
);
CREATE TABLE participants (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  event_id TEXT NOT NULL REFERENCES events (id),
  arrival INTEGER NOT NULL,
  name TEXT NOT NULL,
  email TEXT NOT NULL,
  email_key TEXT NOT NULL,
  country TEXT NOT NULL,
  organization TEXT NOT NULL,
  sector INTEGER NOT NULL,
  gender INTEGER NOT NULL,
  role INTEGER NOT NULL,
  attendance_mode INTEGER NOT NULL,
  nominated_by TEXT NOT NULL,
  status INTEGER NOT NULL,
  create_micros INTEGER NOT NULL,
  update_micros INTEGER NOT NULL,
  UNIQUE (event_id, email_key),
  UNIQUE (event_id, arrival)
);
CREATE INDEX participants_by_event_status ON participants (event_id, status, seq);
CREATE TABLE participant_attributes (
  participant_id TEXT NOT NULL REFERENCES participants (id),
  key TEXT NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (participant_id, key)
) WITHOUT ROWID;
CREATE TABLE check_ins (
  participant_id TEXT NOT NULL REFERENCES participants (id),
  day TEXT NOT NULL,
  check_in_micros INTEGER NOT NULL,
  PRIMARY KEY (participant_id, day)
) WITHOUT ROWID;
)sql";

// Credentials (auth.v1): the record without its secret, and the secret's SHA-256 digest.
constexpr char kSchemaCredentials[] = R"sql(
CREATE TABLE credentials (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  credential BLOB NOT NULL,
  secret_sha256 BLOB NOT NULL
);
)sql";

constexpr char kInsertCredentialSql[] =
    "INSERT INTO credentials (id, credential, secret_sha256) VALUES (?, ?, ?)";
constexpr char kUpdateCredentialSql[] = "UPDATE credentials SET credential = ? WHERE id = ?";
constexpr char kListCredentialsSql[] =
    "SELECT credential, secret_sha256 FROM credentials ORDER BY seq";

constexpr char kInsertEventSql[] = "INSERT INTO events (id, event) VALUES (?, ?)";
constexpr char kSelectEventSql[] = "SELECT event FROM events WHERE id = ?";
constexpr char kUpdateEventSql[] = "UPDATE events SET event = ? WHERE id = ?";
constexpr char kListEventsSql[] =
    "SELECT seq, event FROM events WHERE seq > ? ORDER BY seq LIMIT ?";

// The participant columns every SELECT reads, in ReadParticipantRow's order.
#define CONVENE_PARTICIPANT_COLUMNS                                                        \
  "seq, id, event_id, arrival, name, email, country, organization, sector, gender, role, " \
  "attendance_mode, nominated_by, status, create_micros, update_micros"

// Parameters: id, event_id, then BindProfile's 11 (name ... status), create_micros, update_micros.
// Arrival is the next position within the event.
// The next arrival number of an event, then the row with it. (Not one INSERT ... RETURNING: SQLite
// runs RETURNING with a statement journal, which made a 50,000-row import four times slower.)
constexpr char kNextArrivalSql[] =
    "SELECT COALESCE(MAX(arrival), 0) + 1 FROM participants WHERE event_id = ?";
constexpr char kInsertParticipantSql[] =
    "INSERT INTO participants (id, event_id, arrival, name, email, email_key, country, "
    "organization, sector, gender, role, attendance_mode, nominated_by, status, create_micros, "
    "update_micros) "
    "VALUES (?1, ?2, ?16, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)";
// Parameters: BindProfile's 11 (name ... status), update_micros, id.
constexpr char kUpdateParticipantSql[] =
    "UPDATE participants SET name = ?1, email = ?2, email_key = ?3, country = ?4, "
    "organization = ?5, sector = ?6, gender = ?7, role = ?8, attendance_mode = ?9, "
    "nominated_by = ?10, status = ?11, update_micros = ?12 WHERE id = ?13";
constexpr char kSelectParticipantSql[] =
    "SELECT " CONVENE_PARTICIPANT_COLUMNS " FROM participants WHERE id = ?";
constexpr char kSelectParticipantByEmailSql[] =
    "SELECT " CONVENE_PARTICIPANT_COLUMNS " FROM participants WHERE event_id = ? AND email_key = ?";
constexpr char kCountWithStatusSql[] =
    "SELECT COUNT(*) FROM participants WHERE event_id = ? AND status = ?";
constexpr char kEarliestWithStatusSql[] =
    "SELECT " CONVENE_PARTICIPANT_COLUMNS
    " FROM participants WHERE event_id = ? AND status = ? ORDER BY seq LIMIT ?";
// Unset filters (0 or '') match everything.
constexpr char kListParticipantsSql[] =
    "SELECT " CONVENE_PARTICIPANT_COLUMNS
    " FROM participants WHERE event_id = ?1 AND seq > ?2"
    " AND (?3 = 0 OR status = ?3) AND (?4 = '' OR country = ?4) AND (?5 = 0 OR sector = ?5)"
    " AND (?6 = 0 OR role = ?6) AND (?7 = 0 OR gender = ?7)"
    " ORDER BY seq LIMIT ?8";
constexpr char kSelectAttributesSql[] =
    "SELECT key, value FROM participant_attributes WHERE participant_id = ? ORDER BY key";
constexpr char kDeleteAttributesSql[] =
    "DELETE FROM participant_attributes WHERE participant_id = ?";
constexpr char kInsertAttributeSql[] =
    "INSERT INTO participant_attributes (participant_id, key, value) VALUES (?, ?, ?)";
constexpr char kSelectCheckInsSql[] =
    "SELECT day FROM check_ins WHERE participant_id = ? ORDER BY day";
constexpr char kInsertCheckInSql[] =
    "INSERT OR IGNORE INTO check_ins (participant_id, day, check_in_micros) VALUES (?, ?, ?)";
constexpr char kCountConfirmedByCountrySql[] =
    "SELECT country, COUNT(*) FROM participants WHERE event_id = ? AND status = ? "
    "GROUP BY country";
constexpr char kCountConfirmedBySectorSql[] =
    "SELECT sector, COUNT(*) FROM participants WHERE event_id = ? AND status = ? "
    "GROUP BY sector";
constexpr char kCountConfirmedByGenderSql[] =
    "SELECT gender, COUNT(*) FROM participants WHERE event_id = ? AND status = ? "
    "GROUP BY gender";
constexpr char kCountConfirmedByRoleSql[] =
    "SELECT role, COUNT(*) FROM participants WHERE event_id = ? AND status = ? "
    "GROUP BY role";
constexpr char kCountCheckInsByDaySql[] =
    "SELECT c.day, COUNT(*) FROM check_ins c JOIN participants p ON p.id = c.participant_id "
    "WHERE p.event_id = ? GROUP BY c.day ORDER BY c.day";

// Binds the participant's own fields and status, in the order both the INSERT and the UPDATE list
// them (name ... status), from parameter `first` on: 11 parameters.
void BindProfile(Statement& stmt, int first, const v1::Participant& p) {
  stmt.BindText(first, p.name())
      .BindText(first + 1, p.email())
      .BindText(first + 2, EmailKey(p.email()))
      .BindText(first + 3, p.country())
      .BindText(first + 4, p.organization())
      .BindInt64(first + 5, p.sector())
      .BindInt64(first + 6, p.gender())
      .BindInt64(first + 7, p.role())
      .BindInt64(first + 8, p.attendance_mode())
      .BindText(first + 9, p.nominated_by())
      .BindInt64(first + 10, p.status());
}

absl::Time FromMicros(int64_t micros) { return absl::FromUnixMicros(micros); }
int64_t Micros(const google::protobuf::Timestamp& t) {
  return t.seconds() * 1000000 + t.nanos() / 1000;
}

}  // namespace

absl::StatusOr<std::unique_ptr<RegistrationStore>> RegistrationStore::Open(
    const std::string& path) {
  CONVENE_ASSIGN_OR_RETURN(auto db, sqlite::Database::Open({.path = path}));
  CONVENE_RETURN_IF_ERROR(db->Migrate({kSchemaV1, sqlite::kRequestLogSchema, kSchemaCredentials}));
  return std::unique_ptr<RegistrationStore>(new RegistrationStore(std::move(db)));
}

absl::Status RegistrationStore::InsertCredential(const authv1::Credential& credential,
                                                 absl::string_view secret_sha256) {
  Statement stmt(*db_, kInsertCredentialSql);
  stmt.BindText(1, credential.id())
      .BindBlob(2, credential.SerializeAsString())
      .BindBlob(3, secret_sha256);
  return stmt.Run();
}

absl::Status RegistrationStore::UpdateCredential(const authv1::Credential& credential) {
  Statement stmt(*db_, kUpdateCredentialSql);
  stmt.BindBlob(1, credential.SerializeAsString()).BindText(2, credential.id());
  CONVENE_RETURN_IF_ERROR(stmt.Run());
  if (stmt.Changes() == 0) {
    return absl::NotFoundError(absl::StrCat("credential ", credential.id(), " does not exist"));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<StoredCredential>> RegistrationStore::ListCredentials() {
  Statement stmt(*db_, kListCredentialsSql);
  std::vector<StoredCredential> credentials;
  while (true) {
    CONVENE_ASSIGN_OR_RETURN(bool has_row, stmt.Step());
    if (!has_row) break;
    StoredCredential stored;
    CONVENE_ASSIGN_OR_RETURN(stored.credential, sqlite::ColumnMessage<authv1::Credential>(stmt, 0));
    stored.secret_sha256 = stmt.ColumnBlob(1);
    credentials.push_back(std::move(stored));
  }
  return credentials;
}

absl::Status RegistrationStore::InsertEvent(const v1::Event& event) {
  Statement stmt(*db_, kInsertEventSql);
  stmt.BindText(1, event.id()).BindBlob(2, event.SerializeAsString());
  return stmt.Run();
}

absl::StatusOr<v1::Event> RegistrationStore::GetEvent(absl::string_view event_id) {
  Statement stmt(*db_, kSelectEventSql);
  stmt.BindText(1, event_id);
  CONVENE_ASSIGN_OR_RETURN(bool found, stmt.Step());
  if (!found) return absl::NotFoundError(absl::StrCat("event ", event_id, " does not exist"));
  v1::Event event;
  if (!event.ParseFromString(stmt.ColumnBlob(0))) {
    return absl::DataLossError(absl::StrCat("storage: event ", event_id, " cannot be read"));
  }
  return event;
}

absl::Status RegistrationStore::UpdateEvent(const v1::Event& event) {
  Statement stmt(*db_, kUpdateEventSql);
  stmt.BindBlob(1, event.SerializeAsString()).BindText(2, event.id());
  CONVENE_RETURN_IF_ERROR(stmt.Run());
  if (stmt.Changes() == 0) {
    return absl::NotFoundError(absl::StrCat("event ", event.id(), " does not exist"));
  }
  return absl::OkStatus();
}

absl::StatusOr<Page<v1::Event>> RegistrationStore::ListEvents(int64_t cursor, int limit) {
  Statement stmt(*db_, kListEventsSql);
  stmt.BindInt64(1, cursor).BindInt64(2, limit + 1);
  return sqlite::ReadPage<v1::Event>(
      stmt, limit, [](Statement& row) { return sqlite::ColumnMessage<v1::Event>(row, 1); });
}

absl::Status RegistrationStore::InsertParticipant(v1::Participant& p) {
  {
    Statement next(*db_, kNextArrivalSql);
    next.BindText(1, p.event_id());
    CONVENE_ASSIGN_OR_RETURN(bool has_row, next.Step());
    if (!has_row) return absl::InternalError("storage: no next arrival number");
    p.set_arrival(next.ColumnInt64(0));
  }
  Statement stmt(*db_, kInsertParticipantSql);
  stmt.BindText(1, p.id()).BindText(2, p.event_id());
  BindProfile(stmt, 3, p);
  stmt.BindInt64(14, Micros(p.create_time())).BindInt64(15, Micros(p.update_time()));
  stmt.BindInt64(16, p.arrival());
  CONVENE_RETURN_IF_ERROR(stmt.Run());
  return WriteAttributes(p, /*replace=*/false);
}

absl::Status RegistrationStore::WriteAttributes(const v1::Participant& p, bool replace) {
  if (replace) {
    Statement remove(*db_, kDeleteAttributesSql);
    remove.BindText(1, p.id());
    CONVENE_RETURN_IF_ERROR(remove.Run());
  }
  for (const auto& [key, value] : p.attributes()) {
    Statement insert(*db_, kInsertAttributeSql);
    insert.BindText(1, p.id()).BindText(2, key).BindText(3, value);
    CONVENE_RETURN_IF_ERROR(insert.Run());
  }
  return absl::OkStatus();
}

absl::StatusOr<v1::Participant> RegistrationStore::ReadParticipantRow(Statement& row) {
  v1::Participant p;
  p.set_id(row.ColumnText(1));
  p.set_event_id(row.ColumnText(2));
  p.set_arrival(row.ColumnInt64(3));
  p.set_name(row.ColumnText(4));
  p.set_email(row.ColumnText(5));
  p.set_country(row.ColumnText(6));
  p.set_organization(row.ColumnText(7));
  p.set_sector(static_cast<v1::Sector>(row.ColumnInt64(8)));
  p.set_gender(static_cast<v1::Gender>(row.ColumnInt64(9)));
  p.set_role(static_cast<v1::Role>(row.ColumnInt64(10)));
  p.set_attendance_mode(static_cast<v1::AttendanceMode>(row.ColumnInt64(11)));
  p.set_nominated_by(row.ColumnText(12));
  p.set_status(static_cast<v1::ParticipantStatus>(row.ColumnInt64(13)));
  ToTimestamp(FromMicros(row.ColumnInt64(14)), p.mutable_create_time());
  ToTimestamp(FromMicros(row.ColumnInt64(15)), p.mutable_update_time());

  Statement attributes(*db_, kSelectAttributesSql);
  attributes.BindText(1, p.id());
  while (true) {
    CONVENE_ASSIGN_OR_RETURN(bool has_row, attributes.Step());
    if (!has_row) break;
    (*p.mutable_attributes())[attributes.ColumnText(0)] = attributes.ColumnText(1);
  }
  Statement check_ins(*db_, kSelectCheckInsSql);
  check_ins.BindText(1, p.id());
  while (true) {
    CONVENE_ASSIGN_OR_RETURN(bool has_row, check_ins.Step());
    if (!has_row) break;
    p.add_check_in_days(check_ins.ColumnText(0));
  }
  return p;
}

absl::StatusOr<v1::Participant> RegistrationStore::GetParticipant(
    absl::string_view participant_id) {
  Statement stmt(*db_, kSelectParticipantSql);
  stmt.BindText(1, participant_id);
  CONVENE_ASSIGN_OR_RETURN(bool found, stmt.Step());
  if (!found) {
    return absl::NotFoundError(absl::StrCat("participant ", participant_id, " does not exist"));
  }
  return ReadParticipantRow(stmt);
}

absl::StatusOr<std::optional<v1::Participant>> RegistrationStore::FindByEmail(
    absl::string_view event_id, absl::string_view email_key) {
  Statement stmt(*db_, kSelectParticipantByEmailSql);
  stmt.BindText(1, event_id).BindText(2, email_key);
  CONVENE_ASSIGN_OR_RETURN(bool found, stmt.Step());
  if (!found) return std::nullopt;
  return ReadParticipantRow(stmt);
}

absl::Status RegistrationStore::UpdateParticipant(const v1::Participant& p) {
  Statement stmt(*db_, kUpdateParticipantSql);
  BindProfile(stmt, 1, p);
  stmt.BindInt64(12, Micros(p.update_time())).BindText(13, p.id());
  CONVENE_RETURN_IF_ERROR(stmt.Run());
  if (stmt.Changes() == 0) {
    return absl::NotFoundError(absl::StrCat("participant ", p.id(), " does not exist"));
  }
  return WriteAttributes(p, /*replace=*/true);
}

absl::StatusOr<int64_t> RegistrationStore::CountWithStatus(absl::string_view event_id,
                                                           v1::ParticipantStatus status) {
  Statement stmt(*db_, kCountWithStatusSql);
  stmt.BindText(1, event_id).BindInt64(2, status);
  CONVENE_ASSIGN_OR_RETURN(bool has_row, stmt.Step());
  return has_row ? stmt.ColumnInt64(0) : 0;
}

absl::StatusOr<std::vector<v1::Participant>> RegistrationStore::EarliestWaitlisted(
    absl::string_view event_id, int64_t limit) {
  std::vector<v1::Participant> out;
  if (limit <= 0) return out;
  Statement stmt(*db_, kEarliestWithStatusSql);
  stmt.BindText(1, event_id).BindInt64(2, v1::PARTICIPANT_STATUS_WAITLISTED).BindInt64(3, limit);
  while (true) {
    CONVENE_ASSIGN_OR_RETURN(bool has_row, stmt.Step());
    if (!has_row) break;
    CONVENE_ASSIGN_OR_RETURN(v1::Participant p, ReadParticipantRow(stmt));
    out.push_back(std::move(p));
  }
  return out;
}

absl::StatusOr<Page<v1::Participant>> RegistrationStore::ListParticipants(
    const ParticipantFilter& filter, int64_t cursor, int limit) {
  Statement stmt(*db_, kListParticipantsSql);
  stmt.BindText(1, filter.event_id)
      .BindInt64(2, cursor)
      .BindInt64(3, filter.status)
      .BindText(4, filter.country)
      .BindInt64(5, filter.sector)
      .BindInt64(6, filter.role)
      .BindInt64(7, filter.gender)
      .BindInt64(8, limit + 1);
  return sqlite::ReadPage<v1::Participant>(
      stmt, limit, [this](Statement& row) { return ReadParticipantRow(row); });
}

absl::Status RegistrationStore::AddCheckIn(absl::string_view participant_id, absl::string_view day,
                                           absl::Time at) {
  Statement stmt(*db_, kInsertCheckInSql);
  stmt.BindText(1, participant_id).BindText(2, day).BindInt64(3, absl::ToUnixMicros(at));
  return stmt.Run();
}

absl::StatusOr<std::vector<std::pair<std::string, int>>> RegistrationStore::CountConfirmedBy(
    absl::string_view event_id, SummaryKey key) {
  const char* sql = kCountConfirmedByCountrySql;
  switch (key) {
    case SummaryKey::kCountry:
      sql = kCountConfirmedByCountrySql;
      break;
    case SummaryKey::kSector:
      sql = kCountConfirmedBySectorSql;
      break;
    case SummaryKey::kGender:
      sql = kCountConfirmedByGenderSql;
      break;
    case SummaryKey::kRole:
      sql = kCountConfirmedByRoleSql;
      break;
  }
  Statement stmt(*db_, sql);
  stmt.BindText(1, event_id).BindInt64(2, v1::PARTICIPANT_STATUS_CONFIRMED);
  std::vector<std::pair<std::string, int>> counts;
  while (true) {
    CONVENE_ASSIGN_OR_RETURN(bool has_row, stmt.Step());
    if (!has_row) break;
    counts.emplace_back(stmt.ColumnText(0), static_cast<int>(stmt.ColumnInt64(1)));
  }
  return counts;
}

absl::StatusOr<std::vector<std::pair<std::string, int>>> RegistrationStore::CountCheckInsByDay(
    absl::string_view event_id) {
  Statement stmt(*db_, kCountCheckInsByDaySql);
  stmt.BindText(1, event_id);
  std::vector<std::pair<std::string, int>> counts;
  while (true) {
    CONVENE_ASSIGN_OR_RETURN(bool has_row, stmt.Step());
    if (!has_row) break;
    counts.emplace_back(stmt.ColumnText(0), static_cast<int>(stmt.ColumnInt64(1)));
  }
  return counts;
}

absl::Status RegistrationStore::CheckIntegrity() {
  ReadLock lock = LockForRead();
  return db_->CheckIntegrity();
}

}  // namespace convene::registration
