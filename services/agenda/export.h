// The agenda of one event as files people open elsewhere: iCalendar (RFC 5545) for calendar
// applications, Markdown for a printed or published programme, CSV for spreadsheets.
//
// Every function is pure and thread-safe; none fails. They take the event and its sessions in start
// order, each session as the agenda service hands it out: `start`/`end` rendered as local
// "YYYY-MM-DDTHH:MM" in `session.time_zone()` (the zone the request asked for, the event's by
// default), `start_time`/`end_time` set (UTC), `people` filled (chair and speakers with names and
// organisations, speakers in speaking order), and `id`, `revision` and `update_time` set.
//
// User text is escaped for each format: TEXT escaping for iCalendar, backslash escapes for
// Markdown, CsvLine (quoting and formula guarding) for CSV.
#ifndef CONVENE_SERVICES_AGENDA_EXPORT_H_
#define CONVENE_SERVICES_AGENDA_EXPORT_H_

#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "convene/agenda/v1/agenda.pb.h"
#include "convene/registration/v1/registration.pb.h"

namespace convene::agenda {

// iCalendar: one VCALENDAR with a VTIMEZONE for `zone_name` and one VEVENT per session. Each VEVENT
// has UID "<session id>@convene" and SEQUENCE = revision, so importing a re-export after an edit
// updates the entry instead of duplicating it. DTSTART/DTEND are local times in `zone` (computed
// from start_time/end_time; in UTC for a local time that occurs twice when clocks go back),
// DTSTAMP is `now`. Lines end with CRLF and are folded at 75 octets.
// With no sessions the calendar is still valid and its VTIMEZONE covers the event's days.
std::string ExportIcs(const convene::registration::v1::Event& event,
                      const std::vector<convene::agenda::v1::Session>& sessions,
                      const absl::TimeZone& zone, absl::string_view zone_name, absl::Time now);

// Markdown: "# <title>", a line with dates, place and time zone, then "## <Weekday, D Month YYYY>"
// for each day and "### HH:MM–HH:MM · <title>" for each session with its kind, room or link, chair,
// speakers, topics and description. Days and times are those of the sessions' `start`/`end`.
std::string ExportMarkdown(const convene::registration::v1::Event& event,
                           const std::vector<convene::agenda::v1::Session>& sessions);

// CSV (CRLF line ends): the header
//   day,start,end,title,kind,room,online_link,chair,speakers,topics,description,session_id
// then one row per session. day is "YYYY-MM-DD" and start/end "HH:MM" from the session's local
// times (end as "YYYY-MM-DDTHH:MM" when it falls on a later day); kind in display form
// ("group-discussion"); people as "Name (Organisation)", speakers and topics joined with "; ".
std::string ExportCsv(const convene::registration::v1::Event& event,
                      const std::vector<convene::agenda::v1::Session>& sessions);

// --- Lower-level pieces, exposed for tests
// ---------------------------------------------------------------

// An iCalendar TEXT value: backslash, ';' and ',' escaped with a backslash, each line break (LF,
// CRLF or CR) written as "\n"; other control characters except tab are dropped.
std::string IcsEscapeText(absl::string_view text);

// One content line (given without its line end) folded as RFC 5545 section 3.1 asks: physical
// lines of at most 75 octets, continuations starting with a space, never a break inside a UTF-8
// sequence. Returns the folded line with its final CRLF.
std::string IcsFoldLine(absl::string_view line);

// A VTIMEZONE component (folded, CRLF line ends) with TZID `zone_name`, built from `zone`'s
// transitions so that it is right for every instant in [from, to]. A zone with no transition in
// that range gets a single STANDARD (or DAYLIGHT) component from 1970 with its offset. Otherwise
// there is one STANDARD or DAYLIGHT component per transition in the range, with DTSTART the local
// wall time just before it, led by the component of the transition that brought the offset in
// force at `from`.
std::string VTimezone(const absl::TimeZone& zone, absl::string_view zone_name, absl::Time from,
                      absl::Time to);

}  // namespace convene::agenda

#endif  // CONVENE_SERVICES_AGENDA_EXPORT_H_
