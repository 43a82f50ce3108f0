#include "services/agenda/scheduler.h"

#include <algorithm>
#include <set>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "services/agenda/export.h"
#include "services/agenda/session_rules.h"
#include "services/common/dates.h"
#include "services/common/ids.h"
#include "services/common/limits.h"
#include "services/common/requests.h"
#include "services/common/status.h"

namespace convene::agenda {
namespace {

namespace reg = ::convene::registration::v1;

const std::set<std::string>& WritableSessionFields() {
  static const auto* fields = new std::set<std::string>{"title",
                                                        "kind",
                                                        "start",
                                                        "end",
                                                        "room",
                                                        "online_link",
                                                        "chair_id",
                                                        "speaker_ids",
                                                        "topics",
                                                        "description",
                                                        "expected_audience"};
  return *fields;
}

std::string NameOf(const std::string& id, const std::map<std::string, reg::Participant>& people) {
  auto it = people.find(id);
  return it == people.end() ? id : absl::StrCat(it->second.name(), " (", id, ")");
}

// "Opening (2023-05-30T09:00 to 09:30)"
std::string Describe(v1::Session other, const absl::TimeZone& zone, absl::string_view zone_name) {
  RenderTimes(other, zone, zone_name);
  std::string end = other.end();
  if (other.end().substr(0, 10) == other.start().substr(0, 10)) end = other.end().substr(11);
  return absl::StrCat("\"", other.title(), "\" (", other.start(), " to ", end, ", ", other.id(),
                      ")");
}

}  // namespace

absl::StatusOr<Scheduler::Directory> Scheduler::CheckPeople(const v1::Session& session) {
  Directory people;
  auto check = [&](absl::string_view field, const std::string& id) -> absl::Status {
    absl::StatusOr<reg::Participant> p = registration_->GetParticipant(id);
    if (absl::IsNotFound(p.status())) {
      return absl::InvalidArgumentError(
          absl::StrCat(field, ": ", id, " is not a registered participant"));
    }
    CONVENE_RETURN_IF_ERROR(p.status());
    if (p->event_id() != session.event_id()) {
      return absl::InvalidArgumentError(
          absl::StrCat(field, ": ", p->name(), " (", id, ") is registered for another event"));
    }
    if (p->status() == reg::PARTICIPANT_STATUS_CANCELLED) {
      return absl::InvalidArgumentError(
          absl::StrCat(field, ": ", p->name(), " (", id, ") has cancelled"));
    }
    people[id] = *std::move(p);
    return absl::OkStatus();
  };
  if (!session.chair_id().empty()) CONVENE_RETURN_IF_ERROR(check("chair_id", session.chair_id()));
  for (const std::string& id : session.speaker_ids()) {
    CONVENE_RETURN_IF_ERROR(check("speaker_ids", id));
  }
  return people;
}

absl::Status Scheduler::CheckClashes(const v1::Session& session, const reg::Event& event,
                                     const Directory& people) {
  CONVENE_ASSIGN_OR_RETURN(std::vector<v1::Session> others,
                           store_->SessionsOfEvent(session.event_id()));
  std::optional<Clash> clash = FindClash(session, others);
  if (!clash) return absl::OkStatus();
  CONVENE_ASSIGN_OR_RETURN(absl::TimeZone zone, LoadZone(event.time_zone(), "time_zone"));
  const std::string other = Describe(*clash->other, zone, event.time_zone());
  if (clash->kind == Clash::Kind::kRoom) {
    return absl::FailedPreconditionError(
        absl::StrCat("room: ", session.room(), " already hosts ", other, " at that time"));
  }
  const bool chairs_other = clash->other->chair_id() == clash->participant_id;
  const std::string field =
      session.chair_id() == clash->participant_id ? "chair_id" : "speaker_ids";
  return absl::FailedPreconditionError(
      absl::StrCat(field, ": ", NameOf(clash->participant_id, people), " already ",
                   chairs_other ? "chairs " : "speaks at ", other, ", which overlaps"));
}

absl::StatusOr<int> Scheduler::AudienceIfNeeded(const v1::Session& session) {
  if (!HoldsRoom(session) || session.expected_audience() > 0) return 0;
  CONVENE_ASSIGN_OR_RETURN(reg::GetParticipationSummaryResponse summary,
                           registration_->GetParticipationSummary(session.event_id()));
  return summary.confirmed_count();
}

absl::Status Scheduler::AddRoomWarnings(const v1::Session& session, int confirmed,
                                        google::protobuf::RepeatedPtrField<std::string>* warnings) {
  if (!HoldsRoom(session)) return absl::OkStatus();
  CONVENE_ASSIGN_OR_RETURN(std::optional<v1::Room> room,
                           store_->FindRoom(session.event_id(), RoomKey(session.room())));
  if (!room || room->capacity() == 0) return absl::OkStatus();
  const int audience = session.expected_audience() > 0 ? session.expected_audience() : confirmed;
  if (audience > room->capacity()) {
    *warnings->Add() =
        absl::StrCat("room: ", room->name(), " seats ", room->capacity(), " but ", audience,
                     session.expected_audience() > 0 ? " people are expected"
                                                     : " participants are confirmed for the event",
                     " (set expected_audience if fewer will attend)");
  }
  return absl::OkStatus();
}

absl::Status Scheduler::AddSession(const v1::AddSessionRequest& request,
                                   v1::AddSessionResponse* response) {
  v1::Session session = request.session();
  CONVENE_RETURN_IF_ERROR(Required("event_id", session.event_id()));
  CONVENE_ASSIGN_OR_RETURN(reg::Event event, registration_->GetEvent(session.event_id()));
  CONVENE_RETURN_IF_ERROR(NormalizeSession(session, event));
  CONVENE_ASSIGN_OR_RETURN(Directory people, CheckPeople(session));
  CONVENE_ASSIGN_OR_RETURN(int confirmed, AudienceIfNeeded(session));

  auto txn = store_->BeginWrite();
  CONVENE_RETURN_IF_ERROR(txn->status());
  CONVENE_ASSIGN_OR_RETURN(bool replayed,
                           ReplayLoggedResponse(store_->db(), "AddSession", request, response));
  if (replayed) return txn->Commit();  // answered once what it read is on disk
  CONVENE_ASSIGN_OR_RETURN(int sessions, store_->CountSessions(session.event_id()));
  if (sessions >= kMaxSessionsPerEvent) {
    return absl::ResourceExhaustedError(
        absl::StrCat("event_id: event ", session.event_id(), " already has ", sessions,
                     " sessions, the most one agenda holds (", kMaxSessionsPerEvent, ")"));
  }
  session.set_id(NewId("ses"));
  session.set_revision(0);
  const absl::Time now = absl::Now();
  ToTimestamp(now, session.mutable_create_time());
  ToTimestamp(now, session.mutable_update_time());
  CONVENE_RETURN_IF_ERROR(CheckClashes(session, event, people));
  CONVENE_RETURN_IF_ERROR(AddRoomWarnings(session, confirmed, response->mutable_warnings()));
  CONVENE_RETURN_IF_ERROR(store_->InsertSession(session));
  std::vector<v1::Session> out = {session};
  CONVENE_ASSIGN_OR_RETURN(absl::TimeZone zone, LoadZone(event.time_zone(), "time_zone"));
  Present(out, people, event.time_zone(), zone);
  *response->mutable_session() = std::move(out[0]);
  CONVENE_RETURN_IF_ERROR(LogResponseFor(store_->db(), "AddSession", request, *response));
  return txn->Commit();
}

absl::Status Scheduler::UpdateSession(const v1::UpdateSessionRequest& request,
                                      v1::UpdateSessionResponse* response) {
  CONVENE_RETURN_IF_ERROR(Required("session.id", request.session().id()));
  v1::Session session;
  {
    auto lock = store_->LockForRead();
    CONVENE_ASSIGN_OR_RETURN(session, store_->GetSession(request.session().id()));
  }
  const int revision = session.revision();
  CONVENE_ASSIGN_OR_RETURN(reg::Event event, registration_->GetEvent(session.event_id()));
  CONVENE_ASSIGN_OR_RETURN(absl::TimeZone zone, LoadZone(event.time_zone(), "time_zone"));
  RenderTimes(session, zone, event.time_zone());  // so that unchanged times read back the same
  CONVENE_RETURN_IF_ERROR(
      ApplyMask(request.session(), request.update_mask(), WritableSessionFields(), &session));
  CONVENE_RETURN_IF_ERROR(NormalizeSession(session, event));
  CONVENE_ASSIGN_OR_RETURN(Directory people, CheckPeople(session));
  CONVENE_ASSIGN_OR_RETURN(int confirmed, AudienceIfNeeded(session));

  auto txn = store_->BeginWrite();
  CONVENE_RETURN_IF_ERROR(txn->status());
  CONVENE_ASSIGN_OR_RETURN(v1::Session current, store_->GetSession(session.id()));
  if (current.revision() != revision) {
    return absl::AbortedError(
        absl::StrCat("session ", session.id(), " changed while this update was prepared; retry"));
  }
  session.set_revision(revision + 1);
  ToTimestamp(absl::Now(), session.mutable_update_time());
  CONVENE_RETURN_IF_ERROR(CheckClashes(session, event, people));
  CONVENE_RETURN_IF_ERROR(AddRoomWarnings(session, confirmed, response->mutable_warnings()));
  CONVENE_RETURN_IF_ERROR(store_->UpdateSession(session));
  CONVENE_RETURN_IF_ERROR(txn->Commit());
  std::vector<v1::Session> out = {session};
  Present(out, people, event.time_zone(), zone);
  *response->mutable_session() = std::move(out[0]);
  return absl::OkStatus();
}

absl::Status Scheduler::RemoveSession(const v1::RemoveSessionRequest& request,
                                      v1::RemoveSessionResponse* response) {
  CONVENE_RETURN_IF_ERROR(Required("session_id", request.session_id()));
  auto txn = store_->BeginWrite();
  CONVENE_RETURN_IF_ERROR(txn->status());
  CONVENE_RETURN_IF_ERROR(store_->DeleteSession(request.session_id()));
  return txn->Commit();
}

absl::StatusOr<Scheduler::Directory> Scheduler::EventDirectory(absl::string_view event_id) {
  CONVENE_ASSIGN_OR_RETURN(std::vector<reg::Participant> all,
                           registration_->ListParticipants(event_id));
  Directory directory;
  for (reg::Participant& p : all) directory[p.id()] = std::move(p);
  return directory;
}

void Scheduler::Present(std::vector<v1::Session>& sessions, const Directory& directory,
                        absl::string_view zone_name, const absl::TimeZone& zone) {
  for (v1::Session& session : sessions) {
    RenderTimes(session, zone, zone_name);
    session.clear_people();
    auto add = [&](const std::string& id, v1::PersonRole role) {
      v1::Person* person = session.add_people();
      person->set_participant_id(id);
      person->set_role(role);
      auto it = directory.find(id);
      if (it == directory.end()) return;
      person->set_name(it->second.name());
      person->set_organization(it->second.organization());
      person->set_country(it->second.country());
    };
    if (!session.chair_id().empty()) add(session.chair_id(), v1::PERSON_ROLE_CHAIR);
    for (const std::string& id : session.speaker_ids()) add(id, v1::PERSON_ROLE_SPEAKER);
  }
}

absl::StatusOr<std::string> Scheduler::EventOfSession(absl::string_view session_id) {
  CONVENE_RETURN_IF_ERROR(Required("session_id", session_id));
  auto lock = store_->LockForRead();
  CONVENE_ASSIGN_OR_RETURN(v1::Session session, store_->GetSession(session_id));
  return session.event_id();
}

absl::StatusOr<std::string> Scheduler::EventOfParticipant(absl::string_view participant_id) {
  CONVENE_RETURN_IF_ERROR(Required("participant_id", participant_id));
  CONVENE_ASSIGN_OR_RETURN(registration::v1::Participant participant,
                           registration_->GetParticipant(participant_id));
  return participant.event_id();
}

absl::Status Scheduler::GetSession(const v1::GetSessionRequest& request,
                                   v1::GetSessionResponse* response) {
  CONVENE_RETURN_IF_ERROR(Required("session_id", request.session_id()));
  v1::Session session;
  {
    auto lock = store_->LockForRead();
    CONVENE_ASSIGN_OR_RETURN(session, store_->GetSession(request.session_id()));
  }
  std::string zone_name = request.time_zone().empty() ? session.time_zone() : request.time_zone();
  CONVENE_ASSIGN_OR_RETURN(absl::TimeZone zone, LoadZone(zone_name, "time_zone"));
  Directory people;
  for (const std::string& id : PeopleOf(session)) {
    absl::StatusOr<reg::Participant> p = registration_->GetParticipant(id);
    if (p.ok()) {
      people[id] = *std::move(p);
    } else if (!absl::IsNotFound(p.status())) {
      return p.status();
    }
  }
  std::vector<v1::Session> out = {std::move(session)};
  Present(out, people, zone_name, zone);
  *response->mutable_session() = std::move(out[0]);
  return absl::OkStatus();
}

absl::Status Scheduler::ListSessions(const v1::ListSessionsRequest& request,
                                     v1::ListSessionsResponse* response) {
  CONVENE_RETURN_IF_ERROR(Required("event_id", request.event_id()));
  CONVENE_ASSIGN_OR_RETURN(reg::Event event, registration_->GetEvent(request.event_id()));
  std::string zone_name;
  CONVENE_ASSIGN_OR_RETURN(absl::TimeZone zone, ViewZone(event, request.time_zone(), &zone_name));
  CONVENE_ASSIGN_OR_RETURN(absl::TimeZone event_zone, LoadZone(event.time_zone(), "time_zone"));
  std::optional<absl::CivilDay> day;
  if (!request.day().empty()) {
    CONVENE_ASSIGN_OR_RETURN(day, ParseDay(request.day(), "day"));
  }
  CONVENE_ASSIGN_OR_RETURN(Directory directory, EventDirectory(event.id()));
  std::vector<v1::Session> all;
  {
    auto lock = store_->LockForRead();
    CONVENE_ASSIGN_OR_RETURN(all, store_->SessionsOfEvent(event.id()));
  }
  std::vector<v1::Session> kept;
  for (v1::Session& s : all) {
    if (day) {
      v1::Session local = s;
      RenderTimes(local, event_zone, event.time_zone());  // days are the event's days
      if (local.start().substr(0, 10) != FormatDay(*day)) continue;
    }
    if (!request.speaker_id().empty()) {
      std::vector<std::string> people = PeopleOf(s);
      if (std::find(people.begin(), people.end(), request.speaker_id()) == people.end()) continue;
    }
    if (!request.room().empty() && RoomKey(s.room()) != RoomKey(request.room())) continue;
    kept.push_back(std::move(s));
  }
  SortSessions(kept);
  Present(kept, directory, zone_name, zone);
  for (v1::Session& s : kept) *response->add_sessions() = std::move(s);
  return absl::OkStatus();
}

absl::Status Scheduler::GetSpeakerSchedule(const v1::GetSpeakerScheduleRequest& request,
                                           v1::GetSpeakerScheduleResponse* response) {
  CONVENE_RETURN_IF_ERROR(Required("participant_id", request.participant_id()));
  CONVENE_ASSIGN_OR_RETURN(reg::Participant participant,
                           registration_->GetParticipant(request.participant_id()));
  v1::ListSessionsRequest list;
  list.set_event_id(participant.event_id());
  list.set_speaker_id(participant.id());
  list.set_time_zone(request.time_zone());
  v1::ListSessionsResponse sessions;
  CONVENE_RETURN_IF_ERROR(ListSessions(list, &sessions));
  v1::Person* person = response->mutable_person();
  person->set_participant_id(participant.id());
  person->set_name(participant.name());
  person->set_organization(participant.organization());
  person->set_country(participant.country());
  *response->mutable_sessions() = std::move(*sessions.mutable_sessions());
  return absl::OkStatus();
}

absl::Status Scheduler::SetRoom(const v1::SetRoomRequest& request, v1::SetRoomResponse* response) {
  v1::Room room = request.room();
  CONVENE_RETURN_IF_ERROR(Required("room.event_id", room.event_id()));
  room.set_name(std::string(absl::StripAsciiWhitespace(room.name())));
  CONVENE_RETURN_IF_ERROR(Required("room.name", room.name()));  // at most kMaxKeyLength
  if (room.capacity() < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("room.capacity: ", room.capacity(), " is negative (0 means unknown)"));
  }
  CONVENE_RETURN_IF_ERROR(registration_->GetEvent(room.event_id()).status());
  auto txn = store_->BeginWrite();
  CONVENE_RETURN_IF_ERROR(txn->status());
  CONVENE_ASSIGN_OR_RETURN(std::optional<v1::Room> existing,
                           store_->FindRoom(room.event_id(), RoomKey(room.name())));
  if (!existing) {
    CONVENE_ASSIGN_OR_RETURN(int rooms, store_->CountRooms(room.event_id()));
    if (rooms >= kMaxRoomsPerEvent) {
      return absl::ResourceExhaustedError(
          absl::StrCat("room.event_id: event ", room.event_id(), " already has ", rooms,
                       " rooms, the most one venue holds (", kMaxRoomsPerEvent, ")"));
    }
  }
  CONVENE_RETURN_IF_ERROR(store_->PutRoom(room));
  *response->mutable_room() = room;
  return txn->Commit();
}

absl::Status Scheduler::ListRooms(const v1::ListRoomsRequest& request,
                                  v1::ListRoomsResponse* response) {
  CONVENE_RETURN_IF_ERROR(Required("event_id", request.event_id()));
  auto lock = store_->LockForRead();
  CONVENE_ASSIGN_OR_RETURN(std::vector<v1::Room> rooms, store_->RoomsOfEvent(request.event_id()));
  for (v1::Room& room : rooms) *response->add_rooms() = std::move(room);
  return absl::OkStatus();
}

absl::Status Scheduler::ExportAgenda(const v1::ExportAgendaRequest& request,
                                     v1::ExportAgendaResponse* response) {
  CONVENE_RETURN_IF_ERROR(Required("event_id", request.event_id()));
  if (request.format() == v1::EXPORT_FORMAT_UNSPECIFIED ||
      !v1::ExportFormat_IsValid(request.format())) {
    return absl::InvalidArgumentError("format: is required (ics, markdown or csv)");
  }
  CONVENE_ASSIGN_OR_RETURN(reg::Event event, registration_->GetEvent(request.event_id()));
  v1::ListSessionsRequest list;
  list.set_event_id(event.id());
  list.set_time_zone(request.time_zone());
  v1::ListSessionsResponse listed;
  CONVENE_RETURN_IF_ERROR(ListSessions(list, &listed));
  std::vector<v1::Session> sessions(listed.sessions().begin(), listed.sessions().end());
  std::string zone_name;
  CONVENE_ASSIGN_OR_RETURN(absl::TimeZone zone, ViewZone(event, request.time_zone(), &zone_name));
  switch (request.format()) {
    case v1::EXPORT_FORMAT_ICS:
      response->set_content(ExportIcs(event, sessions, zone, zone_name, absl::Now()));
      response->set_media_type("text/calendar");
      response->set_file_name(absl::StrCat(event.id(), ".ics"));
      break;
    case v1::EXPORT_FORMAT_MARKDOWN:
      response->set_content(ExportMarkdown(event, sessions));
      response->set_media_type("text/markdown");
      response->set_file_name(absl::StrCat(event.id(), ".md"));
      break;
    default:
      response->set_content(ExportCsv(event, sessions));
      response->set_media_type("text/csv");
      response->set_file_name(absl::StrCat(event.id(), ".csv"));
      break;
  }
  return absl::OkStatus();
}

}  // namespace convene::agenda
