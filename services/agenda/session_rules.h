// The agenda's rules, free of gRPC and SQL: what makes a session valid, how local times in the
// event's zone become instants (daylight-saving gaps and repeats included), and when two sessions
// clash.
//
// Every function is pure and thread-safe. Validation errors are INVALID_ARGUMENT and their message
// starts with the proto field name at fault.
#ifndef CONVENE_SERVICES_AGENDA_SESSION_RULES_H_
#define CONVENE_SERVICES_AGENDA_SESSION_RULES_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "convene/agenda/v1/agenda.pb.h"
#include "convene/registration/v1/registration.pb.h"

namespace convene::agenda {

namespace registration_v1 = ::convene::registration::v1;

// "YYYY-MM-DDTHH:MM" (or with a space, or with ":SS" seconds that must be 00) as a civil minute.
absl::StatusOr<absl::CivilMinute> ParseLocalMinute(absl::string_view text, absl::string_view field);
std::string FormatLocalMinute(absl::CivilMinute minute);

// The instant a local time names in `zone`. A time that does not exist (clocks jump forward over
// it) is INVALID_ARGUMENT naming `field`; a time that exists twice (clocks go back) is the first of
// the two, the one before the change.
absl::StatusOr<absl::Time> ResolveLocal(absl::CivilMinute minute, const absl::TimeZone& zone,
                                        absl::string_view zone_name, absl::string_view field);

// Checks a session's own fields against its event and brings it to its stored form: text trimmed,
// topics and speakers without blanks or repeats, kind set, start_time/end_time the instants of
// start/end read in the event's zone. Does not look at other sessions or ask who the people are.
absl::Status NormalizeSession(v1::Session& session, const registration_v1::Event& event);

// Fills start/end (and time_zone) from start_time/end_time, as local times in `zone`.
void RenderTimes(v1::Session& session, const absl::TimeZone& zone, absl::string_view zone_name);

// The event's IANA zone, or `override_name` when not empty (INVALID_ARGUMENT naming "time_zone").
absl::StatusOr<absl::TimeZone> ViewZone(const registration_v1::Event& event,
                                        absl::string_view override_name, std::string* name);

// Half-open intervals [start, end) intersect.
bool Overlaps(const v1::Session& a, const v1::Session& b);

// Whether the session occupies its room: breaks and networking do not (they spill into the foyer),
// nor does a session without a room (online).
bool HoldsRoom(const v1::Session& session);

// Room names compare case- and surrounding-space-insensitively.
std::string RoomKey(absl::string_view room);

// Everyone the session needs: chair first, then speakers.
std::vector<std::string> PeopleOf(const v1::Session& session);

// The first clash between `candidate` and `others` (sessions with other ids), or nullopt.
struct Clash {
  enum class Kind { kPerson, kRoom };
  Kind kind;
  std::string participant_id;  // for kPerson
  const v1::Session* other = nullptr;
};
std::optional<Clash> FindClash(const v1::Session& candidate,
                               const std::vector<v1::Session>& others);

// Sessions in programme order: start, then end, then title, then id.
void SortSessions(std::vector<v1::Session>& sessions);

}  // namespace convene::agenda

#endif  // CONVENE_SERVICES_AGENDA_SESSION_RULES_H_
