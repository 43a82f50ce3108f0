// All SQL of the registration service: events, participants, their attributes
// and check-ins, and the request log that makes retried writes idempotent, in
// one SQLite file.
//
// Thread safety: the store serialises all access with one mutex. Every method
// below must be called while the caller holds either a WriteTransaction (for
// anything that writes) or a ReadLock, both from this store; the methods
// themselves do not lock. Keeping one transaction per domain operation is what
// makes "count the confirmed, then admit" atomic under concurrent calls.
//
// Errors: unknown ids are NOT_FOUND naming the id; storage problems are as in
// sqlite/database.h.
#ifndef CONVENE_SERVICES_REGISTRATION_REGISTRATION_STORE_H_
#define CONVENE_SERVICES_REGISTRATION_REGISTRATION_STORE_H_

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "convene/auth/v1/auth.pb.h"
#include "convene/registration/v1/registration.pb.h"
#include "services/common/sqlite/database.h"

namespace convene::registration {

using sqlite::Page;
namespace authv1 = ::convene::auth::v1;

struct ParticipantFilter {
  std::string event_id;
  v1::ParticipantStatus status = v1::PARTICIPANT_STATUS_UNSPECIFIED;
  std::string country;  // alpha-2, or empty for any
  v1::Sector sector = v1::SECTOR_UNSPECIFIED;
  v1::Role role = v1::ROLE_UNSPECIFIED;
  v1::Gender gender = v1::GENDER_UNSPECIFIED;
};

// What a participation summary counts by.
enum class SummaryKey { kCountry, kSector, kGender, kRole };

struct StoredCredential {
  authv1::Credential credential;
  std::string secret_sha256;
};

class RegistrationStore {
 public:
  // Opens or creates `path` and applies the schema migrations.
  static absl::StatusOr<std::unique_ptr<RegistrationStore>> Open(const std::string& path);

  using WriteTransaction = sqlite::SerialDatabase::WriteTransaction;
  using ReadLock = sqlite::SerialDatabase::ReadLock;
  std::unique_ptr<WriteTransaction> BeginWrite() { return serial_.BeginWrite(); }
  ReadLock LockForRead() { return serial_.LockForRead(); }

  // The connection, for the request log (services/common/requests.h); under a transaction or lock.
  sqlite::Database& db() { return *db_; }

  // Credentials: the record (no secret) and the SHA-256 digest of the secret.
  absl::Status InsertCredential(const authv1::Credential& credential,
                                absl::string_view secret_sha256);
  // Rewrites the record (the digest never changes).
  absl::Status UpdateCredential(const authv1::Credential& credential);
  // All of them, oldest first (a few hundred at most).
  absl::StatusOr<std::vector<StoredCredential>> ListCredentials();

  // Events. An event is kept whole as its proto; the columns beside it are for
  // ordering and lookup.
  absl::Status InsertEvent(const v1::Event& event);
  absl::StatusOr<v1::Event> GetEvent(absl::string_view event_id);
  absl::Status UpdateEvent(const v1::Event& event);
  // In creation order, after `cursor` (0 = from the start).
  absl::StatusOr<Page<v1::Event>> ListEvents(int64_t cursor, int limit);

  // Participants. Insert assigns `arrival` (the next position in the event) and
  // fills nothing else.
  absl::Status InsertParticipant(v1::Participant& participant);
  absl::StatusOr<v1::Participant> GetParticipant(absl::string_view participant_id);
  // The participant of `event_id` whose email has this EmailKey, if any.
  absl::StatusOr<std::optional<v1::Participant>> FindByEmail(absl::string_view event_id,
                                                             absl::string_view email_key);
  // Rewrites every stored field and the attributes (check-ins are not touched).
  absl::Status UpdateParticipant(const v1::Participant& participant);
  absl::StatusOr<int64_t> CountWithStatus(absl::string_view event_id, v1::ParticipantStatus status);
  // The earliest `limit` waitlisted participants of the event, in arrival
  // order.
  absl::StatusOr<std::vector<v1::Participant>> EarliestWaitlisted(absl::string_view event_id,
                                                                  int64_t limit);
  // In arrival order, after `cursor` (0 = from the start).
  absl::StatusOr<Page<v1::Participant>> ListParticipants(const ParticipantFilter& filter,
                                                         int64_t cursor, int limit);

  // Records a check-in; a second one for the same day is ignored.
  absl::Status AddCheckIn(absl::string_view participant_id, absl::string_view day, absl::Time at);

  // Confirmed participants of the event counted by `key`, as (stored value,
  // count).
  absl::StatusOr<std::vector<std::pair<std::string, int>>> CountConfirmedBy(
      absl::string_view event_id, SummaryKey key);
  // Check-ins of the event per day, as (day, count), days without check-ins
  // absent.
  absl::StatusOr<std::vector<std::pair<std::string, int>>> CountCheckInsByDay(
      absl::string_view event_id);

  // PRAGMA integrity_check (for tests and operators).
  absl::Status CheckIntegrity();

 private:
  explicit RegistrationStore(std::unique_ptr<sqlite::Database> db)
      : serial_(std::move(db)), db_(&serial_.db()) {}
  absl::StatusOr<v1::Participant> ReadParticipantRow(sqlite::Statement& row);
  // `replace`: the participant may have attributes stored already (an update), which go first.
  absl::Status WriteAttributes(const v1::Participant& participant, bool replace);

  sqlite::SerialDatabase serial_;
  sqlite::Database* db_;  // serial_'s connection
};

}  // namespace convene::registration

#endif  // CONVENE_SERVICES_REGISTRATION_REGISTRATION_STORE_H_
