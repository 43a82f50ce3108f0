// The registration rules, free of gRPC servers and SQL so they can be tested
// exhaustively: what makes an event or a participant valid, how spreadsheet
// text becomes a participant, and who gets a seat.
//
// Every function is pure and thread-safe. Validation errors are
// INVALID_ARGUMENT and their message starts with the proto field name at fault
// ("email: ...").
#ifndef CONVENE_SERVICES_REGISTRATION_RULES_H_
#define CONVENE_SERVICES_REGISTRATION_RULES_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "convene/registration/v1/registration.pb.h"
#include "convene/registration/v1/registration_service.pb.h"

namespace convene::registration {

// Checks an event and brings it to its stored form: text trimmed, country as an
// alpha-2 code. Title required; time_zone an IANA zone; start_date and end_date
// real days with end >= start; capacity >= 0.
absl::Status NormalizeEvent(v1::Event& event);

// Checks a participant's own fields and brings them to their stored form: text
// trimmed, country as an alpha-2 code, role PARTICIPANT when unset. Name, email
// and country required. Does not look at other participants (email uniqueness
// is the store's job).
absl::Status NormalizeParticipant(v1::Participant& participant);

// Lower-cased email, the key under which emails are compared for uniqueness
// within an event.
std::string EmailKey(absl::string_view email);

// --- Capacity and waitlist
// ---------------------------------------------------------------------------
// Seats are handed out strictly first come, first served. capacity == 0 means
// unlimited.

// The status of a newcomer when `confirmed` participants already hold seats.
v1::ParticipantStatus AdmissionStatus(int32_t capacity, int64_t confirmed);

// How many waitlisted participants (the earliest first) should be promoted now
// that `confirmed` hold seats, given `waitlisted` are waiting.
int64_t SeatsToFill(int32_t capacity, int64_t confirmed, int64_t waitlisted);

// --- Check-in
// -----------------------------------------------------------------------------------------

// The event day a check-in is for: `day` when given ("YYYY-MM-DD"), else
// `today` in the event's zone. INVALID_ARGUMENT naming "day" when it is not one
// of the event's days.
absl::StatusOr<std::string> CheckInDay(const v1::Event& event, absl::string_view day,
                                       absl::CivilDay today);

// Every day of the event, first to last.
std::vector<std::string> EventDays(const v1::Event& event);

// --- Import
// -------------------------------------------------------------------------------------------

// Which column of an import file holds which field. Built from the header row.
class ImportLayout {
 public:
  // Column names are compared after trimming and lower-casing; spaces and
  // hyphens count as '_', and "organisation" is "organization". name, email and
  // country are required. Unknown columns become attributes. INVALID_ARGUMENT
  // naming "header" for a missing or repeated column.
  static absl::StatusOr<ImportLayout> FromHeader(const std::vector<std::string>& header);

  size_t column_count() const { return columns_.size(); }

  // Fills `participant` (event_id excepted) from one row and returns every
  // problem found in it, each naming its column. An empty result means the row
  // is valid and `participant` normalised.
  std::vector<v1::RowError> ParseRow(const v1::ImportRow& row, v1::Participant& participant) const;

 private:
  std::vector<std::string> columns_;  // canonical column name per position
};

// Parses spreadsheet text for the enum fields, accepting the enum's display
// form ("civil-society"), its proto name and common synonyms ("CSO", "NGO",
// "panellist", "F"). INVALID_ARGUMENT naming `field` and listing the accepted
// values when nothing matches. Empty text is UNSPECIFIED.
absl::StatusOr<v1::Sector> ParseSector(absl::string_view text);
absl::StatusOr<v1::Gender> ParseGender(absl::string_view text);
absl::StatusOr<v1::Role> ParseRole(absl::string_view text);
absl::StatusOr<v1::AttendanceMode> ParseAttendanceMode(absl::string_view text);

}  // namespace convene::registration

#endif  // CONVENE_SERVICES_REGISTRATION_RULES_H_
