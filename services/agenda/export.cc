#include "services/agenda/export.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "absl/time/civil_time.h"
#include "services/common/csv.h"
#include "services/common/dates.h"

namespace convene::agenda {
namespace {

namespace av1 = ::convene::agenda::v1;
namespace rv1 = ::convene::registration::v1;

constexpr absl::string_view kMonths[] = {"January",   "February", "March",    "April",
                                         "May",       "June",     "July",     "August",
                                         "September", "October",  "November", "December"};
// absl::Weekday counts from Monday.
constexpr absl::string_view kWeekdays[] = {"Monday", "Tuesday",  "Wednesday", "Thursday",
                                           "Friday", "Saturday", "Sunday"};

// Sessions are exported with their zone's rules for a year either side of them, so that a calendar
// application can show them correctly even when it expands the VTIMEZONE loosely.
constexpr absl::Duration kZoneMargin = absl::Hours(24 * 366);

std::string KindDisplay(av1::SessionKind kind) {
  if (kind == av1::SESSION_KIND_UNSPECIFIED) return "";
  std::string name(absl::StripPrefix(av1::SessionKind_Name(kind), "SESSION_KIND_"));
  absl::AsciiStrToLower(&name);
  std::replace(name.begin(), name.end(), '_', '-');
  return name;
}

// --- People

std::string PersonText(const av1::Person& person) {
  const std::string name = person.name().empty() ? person.participant_id() : person.name();
  if (person.organization().empty()) return name;
  return absl::StrCat(name, " (", person.organization(), ")");
}

// "Name (Organisation)" of the chair; the participant id when `people` does not name them.
std::string ChairText(const av1::Session& session) {
  for (const av1::Person& person : session.people()) {
    if (person.role() == av1::PERSON_ROLE_CHAIR) return PersonText(person);
  }
  for (const av1::Person& person : session.people()) {
    if (person.role() == av1::PERSON_ROLE_UNSPECIFIED && !session.chair_id().empty() &&
        person.participant_id() == session.chair_id()) {
      return PersonText(person);
    }
  }
  return session.chair_id();
}

// "Name (Organisation)" of each speaker in speaking order: the SPEAKER entries of `people` as they
// come, or else speaker_ids looked up in `people` (the id itself when not found).
std::vector<std::string> SpeakerTexts(const av1::Session& session) {
  std::vector<std::string> texts;
  for (const av1::Person& person : session.people()) {
    if (person.role() == av1::PERSON_ROLE_SPEAKER) texts.push_back(PersonText(person));
  }
  if (!texts.empty()) return texts;
  for (const std::string& id : session.speaker_ids()) {
    std::string text = id;
    for (const av1::Person& person : session.people()) {
      if (person.participant_id() == id) {
        text = PersonText(person);
        break;
      }
    }
    texts.push_back(std::move(text));
  }
  return texts;
}

// --- Local date-times as the sessions carry them ("YYYY-MM-DDTHH:MM")

absl::string_view DayPart(absl::string_view local) { return local.substr(0, 10); }

absl::string_view TimePart(absl::string_view local) {
  return local.size() >= 16 ? local.substr(11, 5) : local;
}

// "31 May 2023".
std::string LongDay(absl::CivilDay day) {
  return absl::StrCat(day.day(), " ", kMonths[day.month() - 1], " ", day.year());
}

// "Wednesday, 31 May 2023"; the text itself when it is not a day.
std::string DayHeading(absl::string_view day_text) {
  auto day = ParseDay(day_text, "day");
  if (!day.ok()) return std::string(day_text);
  return absl::StrCat(kWeekdays[static_cast<int>(absl::GetWeekday(*day))], ", ", LongDay(*day));
}

// --- iCalendar

std::string IcsUtc(absl::Time time) {
  return absl::FormatTime("%Y%m%dT%H%M%SZ", time, absl::UTCTimeZone());
}

std::string IcsLocal(absl::CivilSecond civil) {
  return absl::StrFormat("%04d%02d%02dT%02d%02d%02d", civil.year(), civil.month(), civil.day(),
                         civil.hour(), civil.minute(), civil.second());
}

// `name;TZID=<tzid>:<local time>`, or `name:<UTC time>Z` for a local time in the hour repeated
// when clocks go back: RFC 5545 reads such a time as its first occurrence, some readers (pytz's
// default) as its second, and UTC is unambiguous.
std::string IcsDateTime(absl::string_view name, absl::Time time, const absl::TimeZone& zone,
                        absl::string_view tzid) {
  const absl::CivilSecond local = absl::ToCivilSecond(time, zone);
  if (zone.At(local).kind != absl::TimeZone::TimeInfo::UNIQUE) {
    return absl::StrCat(name, ":", IcsUtc(time));
  }
  return absl::StrCat(name, ";TZID=", tzid, ":", IcsLocal(local));
}

// "+0700", "-0330", or "+054545" for an offset with seconds (local mean time).
std::string IcsOffset(int seconds) {
  const char sign = seconds < 0 ? '-' : '+';
  const int magnitude = std::abs(seconds);
  std::string text = absl::StrFormat("%c%02d%02d", sign, magnitude / 3600, (magnitude % 3600) / 60);
  if (magnitude % 60 != 0) absl::StrAppend(&text, absl::StrFormat("%02d", magnitude % 60));
  return text;
}

// A value that is not TEXT (a URI, a zone name): control characters cannot end the line early.
std::string IcsRaw(absl::string_view value) {
  std::string out;
  for (char c : value) {
    if (static_cast<unsigned char>(c) >= 0x20 && c != 0x7f) out.push_back(c);
  }
  return out;
}

// A parameter value, quoted when it holds ':', ';' or ','; double quotes cannot be written at all.
std::string IcsParam(absl::string_view value) {
  std::string out = IcsRaw(value);
  out.erase(std::remove(out.begin(), out.end(), '"'), out.end());
  if (out.find_first_of(":;,") != std::string::npos) return absl::StrCat("\"", out, "\"");
  return out;
}

void AddLine(std::string& out, absl::string_view line) { out += IcsFoldLine(line); }

void AddText(std::string& out, absl::string_view name, absl::string_view text) {
  AddLine(out, absl::StrCat(name, ":", IcsEscapeText(text)));
}

std::string IcsDescription(const av1::Session& session) {
  std::vector<std::string> lines;
  const std::string kind = KindDisplay(session.kind());
  if (!kind.empty()) lines.push_back(absl::StrCat("Kind: ", kind));
  if (!session.room().empty() && !session.online_link().empty()) {
    lines.push_back(absl::StrCat("Online: ", session.online_link()));
  }
  const std::string chair = ChairText(session);
  if (!chair.empty()) lines.push_back(absl::StrCat("Chair: ", chair));
  const std::vector<std::string> speakers = SpeakerTexts(session);
  if (!speakers.empty()) lines.push_back(absl::StrCat("Speakers: ", absl::StrJoin(speakers, "; ")));
  if (!session.topics().empty()) {
    lines.push_back(absl::StrCat("Topics: ", absl::StrJoin(session.topics(), "; ")));
  }
  if (!session.description().empty()) {
    if (!lines.empty()) lines.push_back("");
    lines.push_back(session.description());
  }
  return absl::StrJoin(lines, "\n");
}

void AddEvent(std::string& out, const av1::Session& session, const absl::TimeZone& zone,
              const std::string& tzid, absl::Time now) {
  AddLine(out, "BEGIN:VEVENT");
  AddLine(out, absl::StrCat("UID:", IcsRaw(session.id()), "@convene"));
  AddLine(out, absl::StrCat("DTSTAMP:", IcsUtc(now)));
  AddLine(out, IcsDateTime("DTSTART", FromTimestamp(session.start_time()), zone, tzid));
  AddLine(out, IcsDateTime("DTEND", FromTimestamp(session.end_time()), zone, tzid));
  AddLine(out, absl::StrCat("SEQUENCE:", session.revision()));
  if (session.has_create_time()) {
    AddLine(out, absl::StrCat("CREATED:", IcsUtc(FromTimestamp(session.create_time()))));
  }
  if (session.has_update_time()) {
    AddLine(out, absl::StrCat("LAST-MODIFIED:", IcsUtc(FromTimestamp(session.update_time()))));
  }
  AddText(out, "SUMMARY", session.title());
  const std::string& location = session.room().empty() ? session.online_link() : session.room();
  if (!location.empty()) AddText(out, "LOCATION", location);
  const std::string description = IcsDescription(session);
  if (!description.empty()) AddText(out, "DESCRIPTION", description);
  if (!session.online_link().empty()) {
    AddLine(out, absl::StrCat("URL:", IcsRaw(session.online_link())));
  }
  const std::string kind = KindDisplay(session.kind());
  if (!kind.empty()) AddText(out, "CATEGORIES", kind);
  AddLine(out, "END:VEVENT");
}

// One STANDARD or DAYLIGHT component of a VTIMEZONE: the change of offset at one instant.
struct Observance {
  bool daylight;            // the offset after the change is daylight-saving time
  absl::CivilSecond start;  // the local wall time just before the change (RFC 5545 DTSTART)
  int offset_from;
  int offset_to;
  std::string abbreviation;  // after the change
};

// The change of offset at `instant`, a transition of `zone`.
Observance ObservanceAt(const absl::TimeZone& zone, absl::Time instant) {
  const absl::TimeZone::CivilInfo before = zone.At(instant - absl::Seconds(1));
  const absl::TimeZone::CivilInfo after = zone.At(instant);
  return {after.is_dst, absl::ToCivilSecond(instant, absl::FixedTimeZone(before.offset)),
          before.offset, after.offset, after.zone_abbr};
}

// --- Markdown

// Backslash-escapes what Markdown would read as markup: emphasis, code, tables, links, headings,
// HTML, strikethrough everywhere, and block quotes, lists and setext underlines at a line's start.
// Line breaks become spaces unless `keep_lines`; leading spaces are dropped so that no line turns
// into a code block.
std::string MarkdownEscape(absl::string_view text, bool keep_lines = false) {
  std::string out;
  bool line_start = true;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '\r' || c == '\n') {
      if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
      out.push_back(keep_lines ? '\n' : ' ');
      line_start = keep_lines;
      continue;
    }
    if (line_start) {
      if (c == ' ' || c == '\t') continue;
      line_start = false;
      if (c == '>' || c == '-' || c == '+' || c == '=') {
        out.push_back('\\');
      } else if (absl::ascii_isdigit(c)) {
        // "1. " or "1) " would start an ordered list.
        size_t j = i;
        while (j < text.size() && absl::ascii_isdigit(text[j])) ++j;
        if (j < text.size() && (text[j] == '.' || text[j] == ')')) {
          absl::StrAppend(&out, text.substr(i, j - i));
          out.push_back('\\');
          i = j - 1;
          continue;
        }
      }
    }
    if (std::strchr("\\`*_|[]<#~", c) != nullptr) out.push_back('\\');
    out.push_back(c);
  }
  return out;
}

// An autolink for a plain http(s) link, else the escaped text.
std::string MarkdownLink(absl::string_view link) {
  const bool plain = (absl::StartsWith(link, "https://") || absl::StartsWith(link, "http://")) &&
                     link.find_first_of(" <>\t\r\n") == absl::string_view::npos;
  return plain ? absl::StrCat("<", link, ">") : MarkdownEscape(link);
}

std::string MarkdownTimes(const av1::Session& session) {
  std::string end(TimePart(session.end()));
  if (DayPart(session.end()) != DayPart(session.start())) {
    auto day = ParseDay(DayPart(session.end()), "end");
    if (day.ok()) end = absl::StrCat(day->day(), " ", kMonths[day->month() - 1], " ", end);
  }
  return absl::StrCat(TimePart(session.start()), "–", end);
}

void AddMarkdownSession(std::string& out, const av1::Session& session) {
  absl::StrAppend(&out, "### ", MarkdownTimes(session), " · ", MarkdownEscape(session.title()),
                  "\n\n");
  std::vector<std::string> items;
  const std::string kind = KindDisplay(session.kind());
  if (!kind.empty()) items.push_back(absl::StrCat("Kind: ", kind));
  if (!session.room().empty()) {
    items.push_back(absl::StrCat("Room: ", MarkdownEscape(session.room())));
  }
  if (!session.online_link().empty()) {
    items.push_back(absl::StrCat("Online: ", MarkdownLink(session.online_link())));
  }
  const std::string chair = ChairText(session);
  if (!chair.empty()) items.push_back(absl::StrCat("Chair: ", MarkdownEscape(chair)));
  std::vector<std::string> speakers = SpeakerTexts(session);
  if (!speakers.empty()) {
    for (std::string& speaker : speakers) speaker = MarkdownEscape(speaker);
    items.push_back(absl::StrCat("Speakers: ", absl::StrJoin(speakers, "; ")));
  }
  if (!session.topics().empty()) {
    std::vector<std::string> topics;
    for (const std::string& topic : session.topics()) topics.push_back(MarkdownEscape(topic));
    items.push_back(absl::StrCat("Topics: ", absl::StrJoin(topics, "; ")));
  }
  for (const std::string& item : items) absl::StrAppend(&out, "- ", item, "\n");
  if (!items.empty()) out += "\n";
  if (!session.description().empty()) {
    absl::StrAppend(&out, MarkdownEscape(session.description(), /*keep_lines=*/true), "\n\n");
  }
}

}  // namespace

std::string IcsEscapeText(absl::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    switch (c) {
      case '\\':
      case ';':
      case ',':
        out.push_back('\\');
        out.push_back(c);
        break;
      case '\r':
        if (i + 1 < text.size() && text[i + 1] == '\n') ++i;
        out += "\\n";
        break;
      case '\n':
        out += "\\n";
        break;
      default:
        if ((static_cast<unsigned char>(c) >= 0x20 && c != 0x7f) || c == '\t') out.push_back(c);
    }
  }
  return out;
}

std::string IcsFoldLine(absl::string_view line) {
  constexpr size_t kMaxOctets = 75;
  std::string out;
  out.reserve(line.size() + line.size() / 70 * 3 + 2);
  bool first = true;
  while (true) {
    // A continuation line spends one octet on its leading space.
    const size_t room = first ? kMaxOctets : kMaxOctets - 1;
    if (line.size() <= room) break;
    size_t cut = room;
    // Back up to the first byte of a UTF-8 sequence (continuation bytes are 10xxxxxx).
    while (cut > 0 && (static_cast<unsigned char>(line[cut]) & 0xC0) == 0x80) --cut;
    if (cut == 0) cut = room;  // not UTF-8 at all: cut anywhere rather than loop forever
    if (!first) out.push_back(' ');
    absl::StrAppend(&out, line.substr(0, cut));
    out += "\r\n";
    line.remove_prefix(cut);
    first = false;
  }
  if (!first) out.push_back(' ');
  absl::StrAppend(&out, line);
  out += "\r\n";
  return out;
}

std::string VTimezone(const absl::TimeZone& zone, absl::string_view zone_name, absl::Time from,
                      absl::Time to) {
  std::vector<Observance> observances;

  // The changes within [from, to].
  absl::Time t = from;
  absl::TimeZone::CivilTransition transition;
  while (zone.NextTransition(t, &transition)) {
    const absl::Time instant = zone.At(transition.to).trans;
    if (instant > to || instant <= t) break;
    observances.push_back(ObservanceAt(zone, instant));
    t = instant;
  }

  // What is in force at `from`: since the change that brought it when there are changes to
  // follow, else (no change in range, nothing to relate it to) as if since 1970.
  const absl::TimeZone::CivilInfo at_from = zone.At(from);
  Observance leading{at_from.is_dst, std::min(absl::CivilSecond(1970, 1, 1), at_from.cs),
                     at_from.offset, at_from.offset, at_from.zone_abbr};
  if (!observances.empty() && zone.PrevTransition(from, &transition)) {
    const Observance previous = ObservanceAt(zone, zone.At(transition.to).trans);
    if (previous.daylight == leading.daylight && previous.offset_to == leading.offset_to &&
        previous.start <= at_from.cs) {
      leading = previous;
    }
  }
  observances.insert(observances.begin(), leading);

  std::string out;
  AddLine(out, "BEGIN:VTIMEZONE");
  AddLine(out, absl::StrCat("TZID:", IcsRaw(zone_name.empty() ? zone.name() : zone_name)));
  for (const Observance& observance : observances) {
    const char* component = observance.daylight ? "DAYLIGHT" : "STANDARD";
    AddLine(out, absl::StrCat("BEGIN:", component));
    AddLine(out, absl::StrCat("DTSTART:", IcsLocal(observance.start)));
    AddLine(out, absl::StrCat("TZOFFSETFROM:", IcsOffset(observance.offset_from)));
    AddLine(out, absl::StrCat("TZOFFSETTO:", IcsOffset(observance.offset_to)));
    if (!observance.abbreviation.empty()) AddText(out, "TZNAME", observance.abbreviation);
    AddLine(out, absl::StrCat("END:", component));
  }
  AddLine(out, "END:VTIMEZONE");
  return out;
}

std::string ExportIcs(const rv1::Event& event, const std::vector<av1::Session>& sessions,
                      const absl::TimeZone& zone, absl::string_view zone_name, absl::Time now) {
  // The span the VTIMEZONE must get right: the sessions, or the event's days when there are none.
  absl::Time first = now;
  absl::Time last = now;
  if (!sessions.empty()) {
    first = absl::InfiniteFuture();
    last = absl::InfinitePast();
    for (const av1::Session& session : sessions) {
      first = std::min(first, FromTimestamp(session.start_time()));
      last = std::max(last, FromTimestamp(session.end_time()));
    }
  } else {
    auto start_day = ParseDay(event.start_date(), "start_date");
    auto end_day = ParseDay(event.end_date(), "end_date");
    if (start_day.ok() && end_day.ok()) {
      first = zone.At(absl::CivilSecond(*start_day)).pre;
      last = zone.At(absl::CivilSecond(*end_day + 1)).pre;
    }
  }

  const std::string name(zone_name.empty() ? zone.name() : std::string(zone_name));
  const std::string tzid = IcsParam(name);
  std::string out;
  AddLine(out, "BEGIN:VCALENDAR");
  AddLine(out, "VERSION:2.0");
  AddLine(out, "PRODID:-//Convene//Agenda//EN");
  AddLine(out, "CALSCALE:GREGORIAN");
  AddText(out, "X-WR-CALNAME", event.title());
  AddLine(out, absl::StrCat("X-WR-TIMEZONE:", IcsRaw(name)));
  out += VTimezone(zone, name, first - kZoneMargin, last + kZoneMargin);
  for (const av1::Session& session : sessions) AddEvent(out, session, zone, tzid, now);
  AddLine(out, "END:VCALENDAR");
  return out;
}

std::string ExportMarkdown(const rv1::Event& event, const std::vector<av1::Session>& sessions) {
  std::string out = absl::StrCat("# ", MarkdownEscape(event.title()), "\n\n");

  std::vector<std::string> facts;
  auto start_day = ParseDay(event.start_date(), "start_date");
  auto end_day = ParseDay(event.end_date(), "end_date");
  if (start_day.ok() && end_day.ok()) {
    facts.push_back(*start_day == *end_day
                        ? LongDay(*start_day)
                        : absl::StrCat(LongDay(*start_day), " – ", LongDay(*end_day)));
  }
  std::vector<std::string> place;
  for (const std::string* part : {&event.venue(), &event.city(), &event.country()}) {
    if (!part->empty()) place.push_back(MarkdownEscape(*part));
  }
  if (!place.empty()) facts.push_back(absl::StrJoin(place, ", "));
  const std::string& zone = sessions.empty() || sessions.front().time_zone().empty()
                                ? event.time_zone()
                                : sessions.front().time_zone();
  if (!zone.empty()) facts.push_back(absl::StrCat("Times in ", MarkdownEscape(zone)));
  if (!facts.empty()) absl::StrAppend(&out, absl::StrJoin(facts, " · "), "\n\n");

  std::string day;
  bool first = true;
  for (const av1::Session& session : sessions) {
    if (first || DayPart(session.start()) != day) {
      day = std::string(DayPart(session.start()));
      absl::StrAppend(&out, "## ", DayHeading(day), "\n\n");
      first = false;
    }
    AddMarkdownSession(out, session);
  }
  // One final line end, not a blank line.
  while (absl::EndsWith(out, "\n\n")) out.pop_back();
  return out;
}

std::string ExportCsv(const rv1::Event& event, const std::vector<av1::Session>& sessions) {
  std::string out = CsvLine({"day", "start", "end", "title", "kind", "room", "online_link", "chair",
                             "speakers", "topics", "description", "session_id"});
  for (const av1::Session& session : sessions) {
    const bool same_day = DayPart(session.end()) == DayPart(session.start());
    out += CsvLine({
        std::string(DayPart(session.start())),
        std::string(TimePart(session.start())),
        same_day ? std::string(TimePart(session.end())) : session.end(),
        session.title(),
        KindDisplay(session.kind()),
        session.room(),
        session.online_link(),
        ChairText(session),
        absl::StrJoin(SpeakerTexts(session), "; "),
        absl::StrJoin(session.topics(), "; "),
        session.description(),
        session.id(),
    });
  }
  return out;
}

}  // namespace convene::agenda
