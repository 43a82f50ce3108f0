// The agenda service's requests through the rules its Scheduler applies (services/agenda/
// session_rules.h, export.h), with the sessions kept in memory instead of the store, since every
// Scheduler operation first asks registration for the event. An AgendaCalls message
// (fuzz_inputs.proto) gives the event (the demo's when it is not a valid event: NormalizeEvent
// decides) and the calls; sessions get the ids "ses_0", "ses_1", ... in the order added, and the
// people are the demo's participants par_1..par_48.
//
// As the Scheduler does: AddSession normalises the session and refuses a clash; UpdateSession
// renders the stored times, applies the mask over the writable fields and normalises again;
// views read their time_zone (ViewZone) and day; exports write iCalendar, Markdown and CSV.
// Properties: errors are INVALID_ARGUMENT (or FAILED_PRECONDITION for a clash, NOT_FOUND for an
// id); a stored session starts before it ends, inside the event's days, and re-normalising its
// rendered form changes nothing; no two stored sessions clash; iCalendar lines are CRLF-ended and
// at most 75 octets, with one VEVENT per session; the CSV export reads back with one row per
// session.
#include <cstddef>
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "fuzz/fuzz_inputs.pb.h"
#include "fuzz/fuzz_support.h"
#include "google/protobuf/util/message_differencer.h"
#include "services/agenda/export.h"
#include "services/agenda/session_rules.h"
#include "services/common/csv.h"
#include "services/common/dates.h"
#include "services/common/requests.h"
#include "services/common/status.h"
#include "services/registration/rules.h"

namespace {

namespace av1 = ::convene::agenda::v1;
namespace rv1 = ::convene::registration::v1;
using ::convene::agenda::FindClash;
using ::convene::agenda::NormalizeSession;
using ::convene::agenda::RenderTimes;

// As scheduler.cc's WritableSessionFields.
const std::set<std::string>& WritableSessionFields() {
  static const auto* fields = new std::set<std::string>{
      "title",    "kind",        "start",  "end",         "room",          "online_link",
      "chair_id", "speaker_ids", "topics", "description", "expected_audience"};
  return *fields;
}

struct Agenda {
  rv1::Event event;
  absl::TimeZone zone;
  std::map<std::string, rv1::Participant> people;
  std::vector<av1::Session> sessions;  // stored form
  int next_id = 0;
};

void CheckStatus(const absl::Status& status, absl::string_view call) {
  const bool expected = status.ok() || absl::IsInvalidArgument(status) ||
                        absl::IsFailedPrecondition(status) || absl::IsNotFound(status) ||
                        absl::IsResourceExhausted(status);
  CONVENE_FUZZ_CHECK(expected, absl::StrCat(call, ": ", status.ToString()));
}

av1::Session* Find(Agenda& agenda, absl::string_view id) {
  for (av1::Session& s : agenda.sessions) {
    if (s.id() == id) return &s;
  }
  return nullptr;
}

// A session as the Scheduler hands it out (Scheduler::Present): local times in the view's zone
// and the people named.
void Present(const Agenda& agenda, std::vector<av1::Session>& sessions, const absl::TimeZone& zone,
             absl::string_view zone_name) {
  for (av1::Session& session : sessions) {
    RenderTimes(session, zone, zone_name);
    session.clear_people();
    auto add = [&](const std::string& id, av1::PersonRole role) {
      av1::Person* person = session.add_people();
      person->set_participant_id(id);
      person->set_role(role);
      auto it = agenda.people.find(id);
      if (it == agenda.people.end()) return;
      person->set_name(it->second.name());
      person->set_organization(it->second.organization());
      person->set_country(it->second.country());
    };
    if (!session.chair_id().empty()) add(session.chair_id(), av1::PERSON_ROLE_CHAIR);
    for (const std::string& id : session.speaker_ids()) add(id, av1::PERSON_ROLE_SPEAKER);
  }
}

// Stores `session` (normalised) unless it clashes; the invariants of a stored session.
absl::Status Store(Agenda& agenda, av1::Session session, bool is_new) {
  std::vector<av1::Session> others;
  for (const av1::Session& s : agenda.sessions) {
    if (s.id() != session.id()) others.push_back(s);
  }
  if (FindClash(session, others)) return absl::FailedPreconditionError("clash");
  CONVENE_FUZZ_CHECK(convene::FromTimestamp(session.start_time()) <
                         convene::FromTimestamp(session.end_time()),
                     "a stored session does not start before it ends: " +
                         session.ShortDebugString());
  // Rendered back in the event's zone, it normalises to itself.
  av1::Session rendered = session;
  RenderTimes(rendered, agenda.zone, agenda.event.time_zone());
  av1::Session again = rendered;
  const absl::Status status = NormalizeSession(again, agenda.event);
  CONVENE_FUZZ_CHECK(status.ok(), "a stored session, rendered, is refused: " + status.ToString() +
                                      "\n" + rendered.ShortDebugString());
  CONVENE_FUZZ_CHECK(google::protobuf::util::MessageDifferencer::Equals(again, session),
                     "a stored session, rendered and normalised, changes:\n" +
                         session.ShortDebugString() + "\n" + again.ShortDebugString());
  if (is_new) {
    agenda.sessions.push_back(std::move(session));
  } else {
    *Find(agenda, session.id()) = std::move(session);
  }
  return absl::OkStatus();
}

absl::Status Add(Agenda& agenda, const av1::AddSessionRequest& request) {
  av1::Session session = request.session();
  session.set_event_id(agenda.event.id());
  CONVENE_RETURN_IF_ERROR(NormalizeSession(session, agenda.event));
  session.set_id(absl::StrCat("ses_", agenda.next_id++));
  session.set_revision(0);
  return Store(agenda, std::move(session), /*is_new=*/true);
}

absl::Status Update(Agenda& agenda, const av1::UpdateSessionRequest& request) {
  av1::Session* stored = Find(agenda, request.session().id());
  if (stored == nullptr) return absl::NotFoundError("session");
  av1::Session session = *stored;
  RenderTimes(session, agenda.zone, agenda.event.time_zone());
  CONVENE_RETURN_IF_ERROR(convene::ApplyMask(request.session(), request.update_mask(),
                                             WritableSessionFields(), &session));
  CONVENE_RETURN_IF_ERROR(NormalizeSession(session, agenda.event));
  session.set_revision(session.revision() + 1);
  return Store(agenda, std::move(session), /*is_new=*/false);
}

// ListSessions: the view's zone, the day filter (the event's days), speaker and room filters.
absl::StatusOr<std::vector<av1::Session>> List(const Agenda& agenda, absl::string_view time_zone,
                                               absl::string_view day_text,
                                               absl::string_view speaker, absl::string_view room,
                                               std::string* zone_name, absl::TimeZone* zone) {
  CONVENE_ASSIGN_OR_RETURN(*zone, convene::agenda::ViewZone(agenda.event, time_zone, zone_name));
  std::string day;
  if (!day_text.empty()) {
    CONVENE_ASSIGN_OR_RETURN(absl::CivilDay parsed, convene::ParseDay(day_text, "day"));
    day = convene::FormatDay(parsed);
  }
  std::vector<av1::Session> kept;
  for (const av1::Session& s : agenda.sessions) {
    if (!day.empty()) {
      av1::Session local = s;
      RenderTimes(local, agenda.zone, agenda.event.time_zone());
      if (local.start().substr(0, 10) != day) continue;
    }
    if (!speaker.empty()) {
      const std::vector<std::string> people = convene::agenda::PeopleOf(s);
      if (std::find(people.begin(), people.end(), speaker) == people.end()) continue;
    }
    if (!room.empty() &&
        convene::agenda::RoomKey(s.room()) != convene::agenda::RoomKey(room)) {
      continue;
    }
    kept.push_back(s);
  }
  convene::agenda::SortSessions(kept);
  Present(agenda, kept, *zone, *zone_name);
  return kept;
}

void CheckIcs(const std::string& ics, size_t sessions) {
  CONVENE_FUZZ_CHECK(absl::EndsWith(ics, "\r\n"), "iCalendar does not end with CRLF");
  size_t events = 0;
  for (absl::string_view line : absl::StrSplit(absl::string_view(ics).substr(0, ics.size() - 2),
                                               "\r\n")) {
    CONVENE_FUZZ_CHECK(line.size() <= 75, absl::StrCat("iCalendar line of ", line.size(),
                                                       " octets: ", line));
    CONVENE_FUZZ_CHECK(line.find('\n') == absl::string_view::npos &&
                           line.find('\r') == absl::string_view::npos,
                       "a bare line break in iCalendar");
    if (line == "BEGIN:VEVENT") ++events;
  }
  CONVENE_FUZZ_CHECK(events == sessions, absl::StrCat(events, " VEVENTs for ", sessions, " sessions"));
}

absl::Status Export(const Agenda& agenda, const av1::ExportAgendaRequest& request) {
  if (request.format() == av1::EXPORT_FORMAT_UNSPECIFIED ||
      !av1::ExportFormat_IsValid(request.format())) {
    return absl::InvalidArgumentError("format: is required");
  }
  std::string zone_name;
  absl::TimeZone zone;
  CONVENE_ASSIGN_OR_RETURN(std::vector<av1::Session> sessions,
                           List(agenda, request.time_zone(), "", "", "", &zone_name, &zone));
  const absl::Time now = absl::FromUnixSeconds(1727748000);  // 2024-10-01T02:00:00Z
  CheckIcs(convene::agenda::ExportIcs(agenda.event, sessions, zone, zone_name, now),
           sessions.size());
  (void)convene::agenda::ExportMarkdown(agenda.event, sessions);
  const std::string csv = convene::agenda::ExportCsv(agenda.event, sessions);
  absl::StatusOr<std::vector<convene::CsvRecord>> rows = convene::ParseCsv(csv);
  CONVENE_FUZZ_CHECK(rows.ok() && rows->size() == sessions.size() + 1,
                     absl::StrCat("the CSV export does not read back as ", sessions.size(),
                                  " rows and a header"));
  for (const convene::CsvRecord& row : *rows) {
    CONVENE_FUZZ_CHECK(row.cells.size() == (*rows)[0].cells.size(), "a CSV row of another width");
  }
  return absl::OkStatus();
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  convene::fuzz::QuietProtobuf();
  convene::fuzz::DemoParticipants();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  convene::fuzz::AgendaCalls input;
  if (!input.ParseFromArray(data, static_cast<int>(size))) return 0;
  if (input.calls_size() > 64) return 0;

  Agenda agenda;
  agenda.event = input.event();
  if (!input.has_event() || !convene::registration::NormalizeEvent(agenda.event).ok()) {
    agenda.event = convene::fuzz::DemoEvent();
  }
  agenda.event.set_id("evt_demo");
  absl::StatusOr<absl::TimeZone> zone = convene::LoadZone(agenda.event.time_zone(), "time_zone");
  CONVENE_FUZZ_CHECK(zone.ok(), "a valid event's zone does not load: " + zone.status().ToString());
  agenda.zone = *zone;
  for (const rv1::Participant& p : convene::fuzz::DemoParticipants()) agenda.people[p.id()] = p;

  for (const convene::fuzz::AgendaCall& call : input.calls()) {
    std::string zone_name;
    absl::TimeZone view;
    switch (call.request_case()) {
      case convene::fuzz::AgendaCall::kAddSession:
        CheckStatus(Add(agenda, call.add_session()), "AddSession");
        break;
      case convene::fuzz::AgendaCall::kUpdateSession:
        CheckStatus(Update(agenda, call.update_session()), "UpdateSession");
        break;
      case convene::fuzz::AgendaCall::kRemoveSession:
        std::erase_if(agenda.sessions, [&](const av1::Session& s) {
          return s.id() == call.remove_session().session_id();
        });
        break;
      case convene::fuzz::AgendaCall::kGetSession: {
        const av1::Session* stored = Find(agenda, call.get_session().session_id());
        if (stored == nullptr) break;
        auto listed = List(agenda, call.get_session().time_zone(), "", "", "", &zone_name, &view);
        CheckStatus(listed.status(), "GetSession");
        break;
      }
      case convene::fuzz::AgendaCall::kListSessions: {
        const av1::ListSessionsRequest& r = call.list_sessions();
        CheckStatus(List(agenda, r.time_zone(), r.day(), r.speaker_id(), r.room(), &zone_name,
                         &view)
                        .status(),
                    "ListSessions");
        break;
      }
      case convene::fuzz::AgendaCall::kGetSpeakerSchedule: {
        const av1::GetSpeakerScheduleRequest& r = call.get_speaker_schedule();
        CheckStatus(List(agenda, r.time_zone(), "", r.participant_id(), "", &zone_name, &view)
                        .status(),
                    "GetSpeakerSchedule");
        break;
      }
      case convene::fuzz::AgendaCall::kSetRoom:
        (void)convene::agenda::RoomKey(call.set_room().room().name());
        break;
      case convene::fuzz::AgendaCall::kExportAgenda:
        CheckStatus(Export(agenda, call.export_agenda()), "ExportAgenda");
        break;
      case convene::fuzz::AgendaCall::REQUEST_NOT_SET:
        break;
    }
  }
  // No two stored sessions clash.
  for (size_t i = 0; i < agenda.sessions.size(); ++i) {
    std::vector<av1::Session> others(agenda.sessions.begin(), agenda.sessions.begin() + i);
    CONVENE_FUZZ_CHECK(!FindClash(agenda.sessions[i], others), "two stored sessions clash");
  }
  return 0;
}
