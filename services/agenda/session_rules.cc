#include "services/agenda/session_rules.h"

#include <algorithm>
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/strip.h"
#include "services/common/dates.h"
#include "services/common/limits.h"
#include "services/common/status.h"

namespace convene::agenda {
namespace {

absl::Status FieldError(absl::string_view field, absl::string_view reason) {
  return absl::InvalidArgumentError(absl::StrCat(field, ": ", reason));
}

void Trim(std::string& text) { text = std::string(absl::StripAsciiWhitespace(text)); }

// Trims, drops blanks and repeats, keeps the first occurrence's order.
void CleanList(google::protobuf::RepeatedPtrField<std::string>& list) {
  std::set<std::string> seen;
  google::protobuf::RepeatedPtrField<std::string> kept;
  for (std::string item : list) {
    Trim(item);
    if (!item.empty() && seen.insert(item).second) *kept.Add() = std::move(item);
  }
  list.Swap(&kept);
}

absl::Status CheckLine(absl::string_view field, absl::string_view text,
                       size_t max = kMaxLineLength) {
  CONVENE_RETURN_IF_ERROR(CheckLength(field, text, max));
  for (unsigned char c : text) {
    if (c < 0x20 || c == 0x7f) return FieldError(field, "must be a single line of text");
  }
  return absl::OkStatus();
}

int64_t Micros(const google::protobuf::Timestamp& t) {
  return t.seconds() * 1000000 + t.nanos() / 1000;
}

absl::Time TimeOf(const google::protobuf::Timestamp& t) { return absl::FromUnixMicros(Micros(t)); }

}  // namespace

absl::StatusOr<absl::CivilMinute> ParseLocalMinute(absl::string_view text,
                                                   absl::string_view field) {
  std::string normal(absl::StripAsciiWhitespace(text));
  if (normal.empty()) {
    return FieldError(field, "is required (a local time such as 2023-05-31T09:00)");
  }
  if (normal.size() > 10 && normal[10] == ' ') normal[10] = 'T';
  if (normal.size() == 19 && absl::EndsWith(normal, ":00")) normal.resize(16);
  absl::CivilMinute minute;
  if (normal.size() != 16 || !absl::ParseCivilTime(normal, &minute) ||
      FormatLocalMinute(minute) != normal) {
    return FieldError(
        field, absl::StrCat("\"", text, "\" is not a local time of the form YYYY-MM-DDTHH:MM"));
  }
  return minute;
}

std::string FormatLocalMinute(absl::CivilMinute m) {
  return absl::StrFormat("%04d-%02d-%02dT%02d:%02d", m.year(), m.month(), m.day(), m.hour(),
                         m.minute());
}

absl::StatusOr<absl::Time> ResolveLocal(absl::CivilMinute minute, const absl::TimeZone& zone,
                                        absl::string_view zone_name, absl::string_view field) {
  const absl::TimeZone::TimeInfo info = zone.At(minute);
  switch (info.kind) {
    case absl::TimeZone::TimeInfo::UNIQUE:
      return info.pre;
    case absl::TimeZone::TimeInfo::REPEATED:
      return info.pre;  // the earlier of the two, before the clocks go back
    case absl::TimeZone::TimeInfo::SKIPPED:
      break;
  }
  return FieldError(field, absl::StrCat(FormatLocalMinute(minute), " does not exist in ", zone_name,
                                        " (the clocks jump forward over it)"));
}

absl::StatusOr<absl::TimeZone> ViewZone(const registration_v1::Event& event,
                                        absl::string_view override_name, std::string* name) {
  *name = override_name.empty() ? event.time_zone() : std::string(override_name);
  return LoadZone(*name, "time_zone");
}

absl::Status NormalizeSession(v1::Session& s, const registration_v1::Event& event) {
  for (std::string* text : {s.mutable_title(), s.mutable_room(), s.mutable_online_link(),
                            s.mutable_chair_id(), s.mutable_description()}) {
    Trim(*text);
  }
  // Counted as given, before repeats are dropped: each speaker is asked of registration.
  CONVENE_RETURN_IF_ERROR(
      CheckCount("speaker_ids", s.speaker_ids_size(), kMaxSpeakers, "speakers"));
  CONVENE_RETURN_IF_ERROR(CheckCount("topics", s.topics_size(), kMaxListItems, "topics"));
  CleanList(*s.mutable_speaker_ids());
  CleanList(*s.mutable_topics());
  if (s.title().empty()) return FieldError("title", "is required");
  CONVENE_RETURN_IF_ERROR(CheckLine("title", s.title()));
  CONVENE_RETURN_IF_ERROR(CheckLine("room", s.room(), kMaxKeyLength));
  CONVENE_RETURN_IF_ERROR(CheckLine("online_link", s.online_link(), kMaxLinkLength));
  CONVENE_RETURN_IF_ERROR(CheckLine("chair_id", s.chair_id(), kMaxKeyLength));
  for (const std::string& id : s.speaker_ids()) {
    CONVENE_RETURN_IF_ERROR(CheckLine("speaker_ids", id, kMaxKeyLength));
  }
  for (const std::string& topic : s.topics()) CONVENE_RETURN_IF_ERROR(CheckLine("topics", topic));
  CONVENE_RETURN_IF_ERROR(CheckLength("description", s.description(), kMaxDescriptionLength));
  if (!v1::SessionKind_IsValid(s.kind())) {
    return FieldError("kind", absl::StrCat(s.kind(), " is not a valid value"));
  }
  if (s.kind() == v1::SESSION_KIND_UNSPECIFIED) s.set_kind(v1::SESSION_KIND_PRESENTATION);
  if (s.expected_audience() < 0) {
    return FieldError("expected_audience", absl::StrCat(s.expected_audience(), " is negative"));
  }
  for (const std::string& id : s.speaker_ids()) {
    if (id == s.chair_id()) {
      return FieldError("speaker_ids", absl::StrCat(id, " is already the chair of this session"));
    }
  }

  CONVENE_ASSIGN_OR_RETURN(absl::TimeZone zone, LoadZone(event.time_zone(), "time_zone"));
  CONVENE_ASSIGN_OR_RETURN(absl::CivilMinute start, ParseLocalMinute(s.start(), "start"));
  CONVENE_ASSIGN_OR_RETURN(absl::CivilMinute end, ParseLocalMinute(s.end(), "end"));
  CONVENE_ASSIGN_OR_RETURN(absl::Time start_time,
                           ResolveLocal(start, zone, event.time_zone(), "start"));
  CONVENE_ASSIGN_OR_RETURN(absl::Time end_time, ResolveLocal(end, zone, event.time_zone(), "end"));
  if (end_time <= start_time) {
    return FieldError("end", absl::StrCat(FormatLocalMinute(end), " is not after start ",
                                          FormatLocalMinute(start)));
  }
  CONVENE_ASSIGN_OR_RETURN(absl::CivilDay first, ParseDay(event.start_date(), "start_date"));
  CONVENE_ASSIGN_OR_RETURN(absl::CivilDay last, ParseDay(event.end_date(), "end_date"));
  const std::string days = absl::StrCat(" is outside the event's days (", event.start_date(),
                                        " to ", event.end_date(), ")");
  if (absl::CivilDay(start) < first || absl::CivilDay(start) > last) {
    return FieldError("start", absl::StrCat(FormatLocalMinute(start), days));
  }
  // A session may end at midnight after the last day ("...T24:00" is written as the next day
  // 00:00).
  if (absl::CivilDay(end) > last &&
      !(absl::CivilDay(end) == last + 1 && end.hour() == 0 && end.minute() == 0)) {
    return FieldError("end", absl::StrCat(FormatLocalMinute(end), days));
  }
  ToTimestamp(start_time, s.mutable_start_time());
  ToTimestamp(end_time, s.mutable_end_time());
  s.set_start(FormatLocalMinute(start));
  s.set_end(FormatLocalMinute(end));
  s.set_time_zone(event.time_zone());
  return absl::OkStatus();
}

void RenderTimes(v1::Session& s, const absl::TimeZone& zone, absl::string_view zone_name) {
  s.set_start(FormatLocalMinute(absl::ToCivilMinute(TimeOf(s.start_time()), zone)));
  s.set_end(FormatLocalMinute(absl::ToCivilMinute(TimeOf(s.end_time()), zone)));
  s.set_time_zone(std::string(zone_name));
}

bool Overlaps(const v1::Session& a, const v1::Session& b) {
  return Micros(a.start_time()) < Micros(b.end_time()) &&
         Micros(b.start_time()) < Micros(a.end_time());
}

bool HoldsRoom(const v1::Session& s) {
  return !RoomKey(s.room()).empty() && s.kind() != v1::SESSION_KIND_BREAK &&
         s.kind() != v1::SESSION_KIND_NETWORKING;
}

std::string RoomKey(absl::string_view room) {
  return absl::AsciiStrToLower(absl::StripAsciiWhitespace(room));
}

std::vector<std::string> PeopleOf(const v1::Session& s) {
  std::vector<std::string> people;
  if (!s.chair_id().empty()) people.push_back(s.chair_id());
  for (const std::string& id : s.speaker_ids()) people.push_back(id);
  return people;
}

std::optional<Clash> FindClash(const v1::Session& candidate,
                               const std::vector<v1::Session>& others) {
  const std::vector<std::string> people = PeopleOf(candidate);
  for (const v1::Session& other : others) {
    if (other.id() == candidate.id() || !Overlaps(candidate, other)) continue;
    const std::vector<std::string> theirs = PeopleOf(other);
    for (const std::string& person : people) {
      if (std::find(theirs.begin(), theirs.end(), person) != theirs.end()) {
        return Clash{Clash::Kind::kPerson, person, &other};
      }
    }
    if (HoldsRoom(candidate) && HoldsRoom(other) &&
        RoomKey(candidate.room()) == RoomKey(other.room())) {
      return Clash{Clash::Kind::kRoom, "", &other};
    }
  }
  return std::nullopt;
}

void SortSessions(std::vector<v1::Session>& sessions) {
  std::sort(sessions.begin(), sessions.end(), [](const v1::Session& a, const v1::Session& b) {
    if (Micros(a.start_time()) != Micros(b.start_time())) {
      return Micros(a.start_time()) < Micros(b.start_time());
    }
    if (Micros(a.end_time()) != Micros(b.end_time())) {
      return Micros(a.end_time()) < Micros(b.end_time());
    }
    if (a.title() != b.title()) return a.title() < b.title();
    return a.id() < b.id();
  });
}

}  // namespace convene::agenda
