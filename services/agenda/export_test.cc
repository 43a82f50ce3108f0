#include "services/agenda/export.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "services/common/csv.h"
#include "services/common/dates.h"

namespace convene::agenda {
namespace {

namespace av1 = ::convene::agenda::v1;
namespace rv1 = ::convene::registration::v1;

using ::testing::AllOf;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::Gt;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::SizeIs;
using ::testing::StartsWith;

// --- Fixtures built by hand, as the agenda service would hand them to the export functions

absl::TimeZone Zone(absl::string_view name) {
  absl::TimeZone zone;
  EXPECT_TRUE(absl::LoadTimeZone(std::string(name), &zone)) << name;
  return zone;
}

av1::Person MakePerson(absl::string_view id, absl::string_view name, absl::string_view org,
                       av1::PersonRole role) {
  av1::Person person;
  person.set_participant_id(std::string(id));
  person.set_name(std::string(name));
  person.set_organization(std::string(org));
  person.set_role(role);
  return person;
}

// A session from `start` to `end`, local times in `zone_name`.
av1::Session MakeSession(absl::string_view id, absl::string_view title, av1::SessionKind kind,
                         absl::string_view zone_name, absl::CivilMinute start,
                         absl::CivilMinute end) {
  const absl::TimeZone zone = Zone(zone_name);
  av1::Session session;
  session.set_id(std::string(id));
  session.set_event_id("evt_1");
  session.set_title(std::string(title));
  session.set_kind(kind);
  session.set_time_zone(std::string(zone_name));
  session.set_start(absl::FormatCivilTime(start));
  session.set_end(absl::FormatCivilTime(end));
  ToTimestamp(absl::FromCivil(start, zone), session.mutable_start_time());
  ToTimestamp(absl::FromCivil(end, zone), session.mutable_end_time());
  ToTimestamp(absl::FromCivil(absl::CivilSecond(2023, 5, 1, 8, 0, 0), absl::UTCTimeZone()),
              session.mutable_create_time());
  ToTimestamp(absl::FromCivil(absl::CivilSecond(2023, 5, 2, 8, 0, 0), absl::UTCTimeZone()),
              session.mutable_update_time());
  return session;
}

// A UTC instant, for sessions placed by their UTC times.
av1::Session MakeUtcSession(absl::string_view id, absl::string_view title,
                            absl::string_view zone_name, absl::CivilSecond start_utc,
                            absl::CivilSecond end_utc) {
  const absl::TimeZone zone = Zone(zone_name);
  const absl::Time start = absl::FromCivil(start_utc, absl::UTCTimeZone());
  const absl::Time end = absl::FromCivil(end_utc, absl::UTCTimeZone());
  av1::Session session =
      MakeSession(id, title, av1::SESSION_KIND_PRESENTATION, zone_name,
                  absl::ToCivilMinute(start, zone), absl::ToCivilMinute(end, zone));
  ToTimestamp(start, session.mutable_start_time());
  ToTimestamp(end, session.mutable_end_time());
  return session;
}

rv1::Event JakartaEvent() {
  rv1::Event event;
  event.set_id("evt_1");
  event.set_title("Regional dialogue: anti-corruption, human rights");
  event.set_venue("Hotel Borobudur");
  event.set_city("Jakarta");
  event.set_country("ID");
  event.set_time_zone("Asia/Jakarta");
  event.set_start_date("2023-05-31");
  event.set_end_date("2023-06-01");
  return event;
}

constexpr char kLongVietnameseTitle[] =
    "Phiên thảo luận: Tăng cường minh bạch và trách nhiệm giải trình trong khu vực công, "
    "bảo vệ người tố giác";

// Three sessions over two days in Jakarta: an opening with a chair, a panel with speakers, a long
// Vietnamese title and awkward characters, and an online group discussion.
std::vector<av1::Session> JakartaSessions() {
  std::vector<av1::Session> sessions;
  av1::Session opening =
      MakeSession("ses_open", "Opening", av1::SESSION_KIND_OPENING, "Asia/Jakarta",
                  absl::CivilMinute(2023, 5, 31, 9, 0), absl::CivilMinute(2023, 5, 31, 10, 30));
  opening.set_room("Ballroom A");
  opening.set_chair_id("par_chair");
  *opening.add_people() = MakePerson("par_chair", "Siti Rahma", "KPK", av1::PERSON_ROLE_CHAIR);
  sessions.push_back(opening);

  av1::Session panel =
      MakeSession("ses_panel", kLongVietnameseTitle, av1::SESSION_KIND_PANEL, "Asia/Jakarta",
                  absl::CivilMinute(2023, 5, 31, 11, 0), absl::CivilMinute(2023, 5, 31, 12, 30));
  panel.set_room("Room 2, level 3");
  panel.add_speaker_ids("par_hoa");
  panel.add_speaker_ids("par_zul");
  *panel.add_people() = MakePerson("par_chair", "Siti Rahma", "KPK", av1::PERSON_ROLE_CHAIR);
  *panel.add_people() =
      MakePerson("par_hoa", "Nguyễn Thị Hoa", "Towards Transparency", av1::PERSON_ROLE_SPEAKER);
  *panel.add_people() =
      MakePerson("par_zul", "Ahmad Zulkifli", "SUHAKAM", av1::PERSON_ROLE_SPEAKER);
  panel.add_topics("whistleblower protection");
  panel.add_topics("access to information");
  panel.set_description("Questions; answers, and more.\nSecond line with a backslash \\ too.");
  sessions.push_back(panel);

  av1::Session discussion = MakeSession(
      "ses_groups", "Group work *on* cases", av1::SESSION_KIND_GROUP_DISCUSSION, "Asia/Jakarta",
      absl::CivilMinute(2023, 6, 1, 9, 0), absl::CivilMinute(2023, 6, 1, 11, 0));
  discussion.set_online_link("https://meet.example.org/abc?pwd=x_y");
  sessions.push_back(discussion);
  return sessions;
}

absl::Time Now() {
  return absl::FromCivil(absl::CivilSecond(2023, 5, 20, 10, 15, 30), absl::UTCTimeZone());
}

std::string JakartaIcs(const std::vector<av1::Session>& sessions) {
  return ExportIcs(JakartaEvent(), sessions, Zone("Asia/Jakarta"), "Asia/Jakarta", Now());
}

// --- Reading iCalendar text back

std::string Unfold(absl::string_view ics) { return absl::StrReplaceAll(ics, {{"\r\n ", ""}}); }

// The unfolded content lines (without CRLF).
std::vector<std::string> ContentLines(absl::string_view ics) {
  std::vector<std::string> lines = absl::StrSplit(Unfold(ics), "\r\n");
  if (!lines.empty() && lines.back().empty()) lines.pop_back();
  return lines;
}

// The content lines of each component named `name` (e.g. "VEVENT"), in order.
std::vector<std::vector<std::string>> Components(absl::string_view ics, absl::string_view name) {
  std::vector<std::vector<std::string>> components;
  bool inside = false;
  for (const std::string& line : ContentLines(ics)) {
    if (line == absl::StrCat("BEGIN:", name)) {
      inside = true;
      components.emplace_back();
    } else if (line == absl::StrCat("END:", name)) {
      inside = false;
    } else if (inside) {
      components.back().push_back(line);
    }
  }
  return components;
}

bool IsValidUtf8(absl::string_view text) {
  size_t i = 0;
  while (i < text.size()) {
    const unsigned char c = text[i];
    size_t length = c < 0x80           ? 1
                    : (c >> 5) == 0x6  ? 2
                    : (c >> 4) == 0xE  ? 3
                    : (c >> 3) == 0x1E ? 4
                                       : 0;
    if (length == 0 || i + length > text.size()) return false;
    for (size_t k = 1; k < length; ++k) {
      if ((static_cast<unsigned char>(text[i + k]) & 0xC0) != 0x80) return false;
    }
    i += length;
  }
  return true;
}

// --- Folding and escaping

TEST(IcsFoldLineTest, VietnameseLineFoldsAt75OctetsWithoutSplittingCharacters) {
  std::string line = "SUMMARY:";
  while (line.size() < 200) line += "Nguyễn Thị Hoa phát biểu về trách nhiệm giải trình. ";
  line.resize(200);
  while (!IsValidUtf8(line)) line.pop_back();  // end on a whole character
  ASSERT_GE(line.size(), 195u);

  const std::string folded = IcsFoldLine(line);
  ASSERT_TRUE(absl::EndsWith(folded, "\r\n"));
  std::vector<std::string> physical =
      absl::StrSplit(absl::string_view(folded).substr(0, folded.size() - 2), "\r\n");
  EXPECT_THAT(physical, SizeIs(Gt(2u)));
  for (size_t i = 0; i < physical.size(); ++i) {
    EXPECT_LE(physical[i].size(), 75u) << "line " << i;
    absl::string_view content = physical[i];
    if (i > 0) {
      ASSERT_TRUE(absl::ConsumePrefix(&content, " ")) << "continuation " << i;
    }
    EXPECT_TRUE(IsValidUtf8(content)) << "line " << i << " splits a character: " << content;
  }
  EXPECT_EQ(Unfold(folded), line + "\r\n");
}

TEST(IcsFoldLineTest, ShortLinesAreLeftAlone) {
  EXPECT_EQ(IcsFoldLine("VERSION:2.0"), "VERSION:2.0\r\n");
  const std::string exactly75(75, 'x');
  EXPECT_EQ(IcsFoldLine(exactly75), exactly75 + "\r\n");
  EXPECT_EQ(IcsFoldLine(exactly75 + "y"), exactly75 + "\r\n y\r\n");
}

TEST(IcsEscapeTextTest, EscapesBackslashSemicolonCommaAndLineBreaks) {
  EXPECT_EQ(IcsEscapeText("a\\b;c,d\ne\r\nf"), "a\\\\b\\;c\\,d\\ne\\nf");
  EXPECT_EQ(IcsEscapeText("Nguyễn: \"quoted\""), "Nguyễn: \"quoted\"");
  // Control characters other than tab could not be written in a TEXT value.
  EXPECT_EQ(IcsEscapeText(std::string("a\x01\tb", 4)), "a\tb");
}

// --- iCalendar

TEST(ExportIcsTest, CalendarHeaderAndOneEventPerSession) {
  const std::string ics = JakartaIcs(JakartaSessions());
  const std::vector<std::string> lines = ContentLines(ics);
  ASSERT_THAT(lines, SizeIs(Gt(7u)));
  EXPECT_THAT(std::vector<std::string>(lines.begin(), lines.begin() + 7),
              ElementsAre("BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Convene//Agenda//EN",
                          "CALSCALE:GREGORIAN",
                          "X-WR-CALNAME:Regional dialogue: anti-corruption\\, human rights",
                          "X-WR-TIMEZONE:Asia/Jakarta", "BEGIN:VTIMEZONE"));
  EXPECT_EQ(lines.back(), "END:VCALENDAR");

  const auto events = Components(ics, "VEVENT");
  ASSERT_THAT(events, SizeIs(3));
  EXPECT_THAT(events[0], AllOf(Contains("UID:ses_open@convene"), Contains("SEQUENCE:0"),
                               Contains("DTSTAMP:20230520T101530Z"),
                               Contains("DTSTART;TZID=Asia/Jakarta:20230531T090000"),
                               Contains("DTEND;TZID=Asia/Jakarta:20230531T103000"),
                               Contains("LAST-MODIFIED:20230502T080000Z"),
                               Contains("SUMMARY:Opening"), Contains("LOCATION:Ballroom A"),
                               Contains("DESCRIPTION:Kind: opening\\nChair: Siti Rahma (KPK)"),
                               Contains("CATEGORIES:opening")));
  EXPECT_THAT(events[1],
              AllOf(Contains(absl::StrCat("SUMMARY:", IcsEscapeText(kLongVietnameseTitle))),
                    Contains("LOCATION:Room 2\\, level 3"),
                    Contains("DESCRIPTION:Kind: panel\\nChair: Siti Rahma (KPK)\\n"
                             "Speakers: Nguyễn Thị Hoa (Towards Transparency)\\; Ahmad Zulkifli "
                             "(SUHAKAM)\\nTopics: whistleblower protection\\; access to "
                             "information\\n\\nQuestions\\; answers\\, and more.\\nSecond line "
                             "with a backslash \\\\ too."),
                    Contains("CATEGORIES:panel")));
  // An online session: the link is the location and the URL.
  EXPECT_THAT(events[2], AllOf(Contains("LOCATION:https://meet.example.org/abc?pwd=x_y"),
                               Contains("URL:https://meet.example.org/abc?pwd=x_y"),
                               Contains("CATEGORIES:group-discussion")));
  EXPECT_THAT(events[0], Not(Contains(StartsWith("URL:"))));
}

TEST(ExportIcsTest, LinesEndWithCrlfOnlyAndAreFolded) {
  const std::string ics = JakartaIcs(JakartaSessions());
  ASSERT_TRUE(absl::EndsWith(ics, "END:VCALENDAR\r\n"));
  for (size_t i = 0; i < ics.size(); ++i) {
    if (ics[i] == '\n') {
      ASSERT_TRUE(i > 0 && ics[i - 1] == '\r') << "bare LF at " << i;
    }
    if (ics[i] == '\r') {
      ASSERT_TRUE(i + 1 < ics.size() && ics[i + 1] == '\n') << "bare CR at " << i;
    }
  }
  std::vector<std::string> physical = absl::StrSplit(ics, "\r\n");
  bool folded = false;
  for (const std::string& line : physical) {
    EXPECT_LE(line.size(), 75u) << line;
    folded = folded || absl::StartsWith(line, " ");
  }
  EXPECT_TRUE(folded) << "the long Vietnamese title should have been folded";
}

TEST(ExportIcsTest, ReExportAfterAnEditKeepsTheUidAndRaisesTheSequence) {
  std::vector<av1::Session> sessions = JakartaSessions();
  const auto before = Components(JakartaIcs(sessions), "VEVENT");

  sessions[0].set_title("Opening and welcome");
  sessions[0].set_revision(3);
  ToTimestamp(absl::FromCivil(absl::CivilSecond(2023, 5, 10, 7, 0, 0), absl::UTCTimeZone()),
              sessions[0].mutable_update_time());
  const auto after = Components(JakartaIcs(sessions), "VEVENT");

  ASSERT_THAT(before, SizeIs(3));
  ASSERT_THAT(after, SizeIs(3));
  EXPECT_THAT(before[0], AllOf(Contains("UID:ses_open@convene"), Contains("SEQUENCE:0"),
                               Contains("SUMMARY:Opening")));
  EXPECT_THAT(after[0], AllOf(Contains("UID:ses_open@convene"), Contains("SEQUENCE:3"),
                              Contains("SUMMARY:Opening and welcome"),
                              Contains("LAST-MODIFIED:20230510T070000Z")));
  // The other sessions are unchanged, UIDs included.
  EXPECT_EQ(before[1], after[1]);
  EXPECT_EQ(before[2], after[2]);
}

TEST(ExportIcsTest, NoSessionsStillMakesACalendarWithTheZone) {
  const std::string ics = JakartaIcs({});
  EXPECT_THAT(ContentLines(ics), AllOf(Contains("BEGIN:VCALENDAR"), Contains("TZID:Asia/Jakarta"),
                                       Contains("TZOFFSETTO:+0700"), Contains("END:VCALENDAR")));
  EXPECT_THAT(Components(ics, "VEVENT"), SizeIs(0));
  EXPECT_THAT(Components(ics, "VTIMEZONE"), SizeIs(1));
}

// --- VTIMEZONE

TEST(VTimezoneTest, JakartaHasOneStandardComponent) {
  const absl::TimeZone jakarta = Zone("Asia/Jakarta");
  const absl::Time from = absl::FromCivil(absl::CivilSecond(2022, 5, 31, 0, 0, 0), jakarta);
  const absl::Time to = absl::FromCivil(absl::CivilSecond(2024, 6, 2, 0, 0, 0), jakarta);
  const std::string vtimezone = VTimezone(jakarta, "Asia/Jakarta", from, to);
  EXPECT_THAT(ContentLines(vtimezone),
              ElementsAre("BEGIN:VTIMEZONE", "TZID:Asia/Jakarta", "BEGIN:STANDARD",
                          "DTSTART:19700101T000000", "TZOFFSETFROM:+0700", "TZOFFSETTO:+0700",
                          "TZNAME:WIB", "END:STANDARD", "END:VTIMEZONE"));
}

TEST(VTimezoneTest, ViennaAcrossDaylightSavingHasBothOffsetsInTheRightDirection) {
  const absl::TimeZone vienna = Zone("Europe/Vienna");
  const absl::Time from = absl::FromCivil(absl::CivilSecond(2024, 1, 15, 0, 0, 0), vienna);
  const absl::Time to = absl::FromCivil(absl::CivilSecond(2024, 12, 15, 0, 0, 0), vienna);
  const std::string vtimezone = VTimezone(vienna, "Europe/Vienna", from, to);

  EXPECT_THAT(Components(vtimezone, "DAYLIGHT"),
              ElementsAre(ElementsAre("DTSTART:20240331T020000", "TZOFFSETFROM:+0100",
                                      "TZOFFSETTO:+0200", "TZNAME:CEST")));
  // The leading component (CET, in force in January since October 2023), then the return to CET
  // in October 2024.
  EXPECT_THAT(Components(vtimezone, "STANDARD"),
              ElementsAre(ElementsAre("DTSTART:20231029T030000", "TZOFFSETFROM:+0200",
                                      "TZOFFSETTO:+0100", "TZNAME:CET"),
                          ElementsAre("DTSTART:20241027T030000", "TZOFFSETFROM:+0200",
                                      "TZOFFSETTO:+0100", "TZNAME:CET")));
}

TEST(VTimezoneTest, StartingInSummerLeadsWithDaylight) {
  const absl::TimeZone vienna = Zone("Europe/Vienna");
  const absl::Time from = absl::FromCivil(absl::CivilSecond(2023, 7, 1, 0, 0, 0), vienna);
  const absl::Time to = absl::FromCivil(absl::CivilSecond(2024, 7, 1, 0, 0, 0), vienna);
  const std::string vtimezone = VTimezone(vienna, "Europe/Vienna", from, to);
  EXPECT_THAT(Components(vtimezone, "DAYLIGHT"),
              ElementsAre(ElementsAre("DTSTART:20230326T020000", "TZOFFSETFROM:+0100",
                                      "TZOFFSETTO:+0200", "TZNAME:CEST"),
                          Contains("DTSTART:20240331T020000")));
  EXPECT_THAT(Components(vtimezone, "STANDARD"), ElementsAre(Contains("DTSTART:20231029T030000")));
}

TEST(ExportIcsTest, SessionOnTheNightOfTheDaylightSavingChange) {
  rv1::Event event;
  event.set_title("Vienna training");
  event.set_time_zone("Europe/Vienna");
  event.set_start_date("2024-03-30");
  event.set_end_date("2024-03-31");
  // 00:30 UTC is 01:30 CET; 01:30 UTC, after the clocks went forward at 01:00 UTC, is 03:30 CEST.
  std::vector<av1::Session> sessions = {
      MakeUtcSession("ses_across", "Across the change", "Europe/Vienna",
                     absl::CivilSecond(2024, 3, 31, 0, 30, 0),
                     absl::CivilSecond(2024, 3, 31, 1, 30, 0)),
      MakeUtcSession("ses_night", "After the change", "Europe/Vienna",
                     absl::CivilSecond(2024, 3, 31, 1, 30, 0),
                     absl::CivilSecond(2024, 3, 31, 2, 30, 0)),
  };
  ASSERT_EQ(sessions[1].start(), "2024-03-31T03:30");
  const std::string ics = ExportIcs(event, sessions, Zone("Europe/Vienna"), "Europe/Vienna", Now());
  const auto events = Components(ics, "VEVENT");
  ASSERT_THAT(events, SizeIs(2));
  EXPECT_THAT(events[0], AllOf(Contains("DTSTART;TZID=Europe/Vienna:20240331T013000"),
                               Contains("DTEND;TZID=Europe/Vienna:20240331T033000")));
  EXPECT_THAT(events[1], AllOf(Contains("DTSTART;TZID=Europe/Vienna:20240331T033000"),
                               Contains("DTEND;TZID=Europe/Vienna:20240331T043000")));
  EXPECT_THAT(Components(ics, "DAYLIGHT"), Contains(Contains("DTSTART:20240331T020000")));
}

TEST(ExportIcsTest, LocalTimesInTheRepeatedHourAreWrittenInUtc) {
  rv1::Event event;
  event.set_title("Vienna training");
  // Clocks go back at 01:00 UTC on 2024-10-27: 02:30 local is 00:30 UTC (CEST) and 01:30 UTC (CET).
  std::vector<av1::Session> sessions = {
      MakeUtcSession("ses_first", "First 02:30", "Europe/Vienna",
                     absl::CivilSecond(2024, 10, 27, 0, 30, 0),
                     absl::CivilSecond(2024, 10, 27, 1, 30, 0)),
      MakeUtcSession("ses_second", "Second 02:30", "Europe/Vienna",
                     absl::CivilSecond(2024, 10, 27, 1, 30, 0),
                     absl::CivilSecond(2024, 10, 27, 2, 30, 0)),
  };
  const auto events = Components(
      ExportIcs(event, sessions, Zone("Europe/Vienna"), "Europe/Vienna", Now()), "VEVENT");
  ASSERT_THAT(events, SizeIs(2));
  EXPECT_THAT(events[0],
              AllOf(Contains("DTSTART:20241027T003000Z"), Contains("DTEND:20241027T013000Z")));
  EXPECT_THAT(events[1], AllOf(Contains("DTSTART:20241027T013000Z"),
                               Contains("DTEND;TZID=Europe/Vienna:20241027T033000")));
}

// --- Markdown

TEST(ExportMarkdownTest, DaysSessionsAndSpeakers) {
  const std::string markdown = ExportMarkdown(JakartaEvent(), JakartaSessions());
  const std::vector<std::string> lines = absl::StrSplit(markdown, '\n');
  ASSERT_FALSE(lines.empty());
  EXPECT_EQ(lines[0], "# Regional dialogue: anti-corruption, human rights");
  EXPECT_THAT(lines, Contains("31 May 2023 – 1 June 2023 · Hotel Borobudur, Jakarta, ID · Times in "
                              "Asia/Jakarta"));
  EXPECT_THAT(lines, Contains("## Wednesday, 31 May 2023"));
  EXPECT_THAT(lines, Contains("## Thursday, 1 June 2023"));
  EXPECT_THAT(lines, Contains("### 09:00–10:30 · Opening"));
  EXPECT_THAT(lines, Contains(absl::StrCat("### 11:00–12:30 · ", kLongVietnameseTitle)));
  EXPECT_THAT(lines, Contains("- Chair: Siti Rahma (KPK)"));
  EXPECT_THAT(
      lines,
      Contains("- Speakers: Nguyễn Thị Hoa (Towards Transparency); Ahmad Zulkifli (SUHAKAM)"));
  EXPECT_THAT(lines, Contains("- Topics: whistleblower protection; access to information"));
  EXPECT_THAT(lines, Contains("- Kind: group-discussion"));
  EXPECT_THAT(lines, Contains("- Online: <https://meet.example.org/abc?pwd=x_y>"));
  // Markup in user text is escaped.
  EXPECT_THAT(lines, Contains("### 09:00–11:00 · Group work \\*on\\* cases"));
  EXPECT_THAT(lines, Contains("Second line with a backslash \\\\ too."));
  // Each day heading appears once, before its sessions.
  EXPECT_LT(markdown.find("## Wednesday"), markdown.find("### 09:00–10:30"));
  EXPECT_LT(markdown.find("### 11:00–12:30"), markdown.find("## Thursday"));
  EXPECT_EQ(markdown.find("## Wednesday"), markdown.rfind("## Wednesday"));
  EXPECT_TRUE(absl::EndsWith(markdown, "x_y>\n"));
}

TEST(ExportMarkdownTest, EscapesMarkupInUserText) {
  std::vector<av1::Session> sessions = {
      MakeSession("ses_x", "a_b | c `d` #e", av1::SESSION_KIND_BREAK, "Asia/Jakarta",
                  absl::CivilMinute(2023, 5, 31, 15, 0), absl::CivilMinute(2023, 5, 31, 15, 30))};
  sessions[0].set_description("# not a heading\n- not a list\n1. not a list either");
  const std::string markdown = ExportMarkdown(JakartaEvent(), sessions);
  EXPECT_THAT(markdown, HasSubstr("### 15:00–15:30 · a\\_b \\| c \\`d\\` \\#e\n"));
  EXPECT_THAT(markdown, HasSubstr("\n\\# not a heading\n\\- not a list\n1\\. not a list either\n"));
}

// --- CSV

TEST(ExportCsvTest, HeaderRowsQuotingAndFormulaGuard) {
  std::vector<av1::Session> sessions = JakartaSessions();
  sessions[0].set_title("Opening, welcome");
  sessions[0].set_description("=HYPERLINK(\"http://evil\")");
  const std::string csv = ExportCsv(JakartaEvent(), sessions);

  EXPECT_TRUE(absl::StartsWith(csv,
                               "day,start,end,title,kind,room,online_link,chair,speakers,topics,"
                               "description,session_id\r\n"));
  EXPECT_THAT(csv, HasSubstr(",\"Opening, welcome\","));
  auto records = ParseCsv(csv);
  ASSERT_TRUE(records.ok()) << records.status();
  ASSERT_THAT(*records, SizeIs(4));
  EXPECT_THAT((*records)[1].cells, ElementsAre("2023-05-31", "09:00", "10:30", "Opening, welcome",
                                               "opening", "Ballroom A", "", "Siti Rahma (KPK)", "",
                                               "", "'=HYPERLINK(\"http://evil\")", "ses_open"));
  EXPECT_THAT((*records)[2].cells,
              ElementsAre("2023-05-31", "11:00", "12:30", kLongVietnameseTitle, "panel",
                          "Room 2, level 3", "", "Siti Rahma (KPK)",
                          "Nguyễn Thị Hoa (Towards Transparency); Ahmad Zulkifli (SUHAKAM)",
                          "whistleblower protection; access to information",
                          "Questions; answers, and more.\nSecond line with a backslash \\ too.",
                          "ses_panel"));
  EXPECT_THAT(
      (*records)[3].cells,
      ElementsAre("2023-06-01", "09:00", "11:00", "Group work *on* cases", "group-discussion", "",
                  "https://meet.example.org/abc?pwd=x_y", "", "", "", "", "ses_groups"));
}

// --- An independent parser: tests/ical/check_ics.py with Debian's python3-icalendar

std::string SourceDir() {
  if (const char* dir = std::getenv("CONVENE_SOURCE_DIR"); dir != nullptr && *dir != '\0') {
    return dir;
  }
  absl::string_view file = __FILE__;
  absl::ConsumeSuffix(&file, "services/agenda/export_test.cc");
  return file.empty() ? "." : std::string(file);
}

std::string ShellQuote(absl::string_view text) {
  return absl::StrCat("'", absl::StrReplaceAll(text, {{"'", "'\\''"}}), "'");
}

// A file name in the test's temporary directory, unique to this process and call (ctest runs the
// tests of this binary in parallel processes).
std::string TempPath(absl::string_view name) {
  static int counter = 0;
  return absl::StrCat(::testing::TempDir(), "/agenda_export_", getpid(), "_", ++counter, "_", name);
}

// Exit code and output of a shell command.
std::pair<int, std::string> Run(const std::string& command) {
  const std::string output_path = TempPath("output.txt");
  const int status =
      std::system(absl::StrCat(command, " >", ShellQuote(output_path), " 2>&1").c_str());
  std::stringstream output;
  {
    std::ifstream in(output_path);
    output << in.rdbuf();
  }
  std::remove(output_path.c_str());
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, output.str()};
}

// The first of $CONVENE_PYTHON3, python3 on PATH and Debian's /usr/bin/python3 that can import
// icalendar (a python3 on PATH from pyenv or a virtualenv does not see Debian's packages).
std::string Python() {
  static const std::string* const python = [] {
    std::vector<std::string> candidates;
    if (const char* env = std::getenv("CONVENE_PYTHON3"); env != nullptr && *env != '\0') {
      candidates.push_back(env);
    }
    candidates.push_back("python3");
    candidates.push_back("/usr/bin/python3");
    for (const std::string& candidate : candidates) {
      if (Run(absl::StrCat(candidate, " -c 'import icalendar'")).first == 0) {
        return new std::string(candidate);
      }
    }
    return new std::string("python3");  // check_ics.py will say that icalendar is missing
  }();
  return *python;
}

// Writes `ics` to a temporary file and runs the checker on it. The file stays for a look when the
// check fails, unless the failure is `expected`.
std::pair<int, std::string> CheckIcs(absl::string_view name, const std::string& ics,
                                     int expected_events, const std::vector<std::string>& extra,
                                     bool expect_failure = false) {
  const std::string path = TempPath(name);
  {
    std::ofstream out(path, std::ios::binary);
    out << ics;
  }
  std::string command =
      absl::StrCat(Python(), " ", ShellQuote(SourceDir() + "/tests/ical/check_ics.py"), " ",
                   ShellQuote(path), " ", expected_events);
  for (const std::string& arg : extra) absl::StrAppend(&command, " ", ShellQuote(arg));
  auto result = Run(command);
  if (result.first == 0 || expect_failure) std::remove(path.c_str());
  return result;
}

TEST(CheckIcsTest, JakartaExportPassesTheIndependentParser) {
  const auto [code, output] = CheckIcs(
      "jakarta.ics", JakartaIcs(JakartaSessions()), 3,
      {"ses_panel@convene=2023-05-31T04:00:00Z", "ses_groups@convene=2023-06-01T02:00:00Z"});
  EXPECT_EQ(code, 0) << output;
  EXPECT_EQ(output, "ok\n");
}

// Three sessions in Vienna around the change to summer time on 2024-03-31 (01:00 UTC).
std::string ViennaIcs() {
  rv1::Event event;
  event.set_title("Vienna training; spring, 2024");
  event.set_time_zone("Europe/Vienna");
  event.set_start_date("2024-03-30");
  event.set_end_date("2024-04-01");
  std::vector<av1::Session> sessions = {
      MakeSession("ses_before", "Saturday, before the change", av1::SESSION_KIND_PLENARY,
                  "Europe/Vienna", absl::CivilMinute(2024, 3, 30, 9, 0),
                  absl::CivilMinute(2024, 3, 30, 10, 0)),
      MakeUtcSession("ses_night", "Night of the change", "Europe/Vienna",
                     absl::CivilSecond(2024, 3, 31, 1, 30, 0),
                     absl::CivilSecond(2024, 3, 31, 2, 30, 0)),
      MakeSession("ses_after", "Monday, after the change", av1::SESSION_KIND_CLOSING,
                  "Europe/Vienna", absl::CivilMinute(2024, 4, 1, 9, 0),
                  absl::CivilMinute(2024, 4, 1, 10, 0)),
  };
  return ExportIcs(event, sessions, Zone("Europe/Vienna"), "Europe/Vienna", Now());
}

TEST(CheckIcsTest, ViennaExportAcrossDaylightSavingPassesTheIndependentParser) {
  const auto [code, output] =
      CheckIcs("vienna.ics", ViennaIcs(), 3,
               {"ses_night@convene=2024-03-31T01:30:00Z", "ses_before@convene=2024-03-30T08:00:00Z",
                "ses_after@convene=2024-04-01T07:00:00Z"});
  EXPECT_EQ(code, 0) << output;
  EXPECT_EQ(output, "ok\n");
}

TEST(CheckIcsTest, RepeatedHourPassesTheIndependentParser) {
  rv1::Event event;
  event.set_title("Vienna training, autumn");
  std::vector<av1::Session> sessions = {
      MakeUtcSession("ses_first", "First 02:30", "Europe/Vienna",
                     absl::CivilSecond(2024, 10, 27, 0, 30, 0),
                     absl::CivilSecond(2024, 10, 27, 1, 30, 0)),
      MakeUtcSession("ses_second", "Second 02:30", "Europe/Vienna",
                     absl::CivilSecond(2024, 10, 27, 1, 30, 0),
                     absl::CivilSecond(2024, 10, 27, 2, 30, 0)),
  };
  const std::string ics = ExportIcs(event, sessions, Zone("Europe/Vienna"), "Europe/Vienna", Now());
  const auto [code, output] = CheckIcs(
      "vienna_autumn.ics", ics, 2,
      {"ses_first@convene=2024-10-27T00:30:00Z", "ses_second@convene=2024-10-27T01:30:00Z"});
  EXPECT_EQ(code, 0) << output;
}

TEST(CheckIcsTest, AWrongVTimezoneIsCaught) {
  // Summer time at +0300: the IANA database still reads the local time right, the file's own
  // VTIMEZONE no longer does.
  const std::string ics = absl::StrReplaceAll(
      ViennaIcs(), {{"TZOFFSETTO:+0200\r\nTZNAME:CEST", "TZOFFSETTO:+0300\r\nTZNAME:CEST"}});
  const auto [code, output] =
      CheckIcs("vienna_broken.ics", ics, 3, {"ses_night@convene=2024-03-31T01:30:00Z"},
               /*expect_failure=*/true);
  EXPECT_EQ(code, 1) << output;
  EXPECT_THAT(output, HasSubstr("by the file's VTIMEZONE"));
}

TEST(CheckIcsTest, EmptyCalendarPassesAndAWrongInstantFails) {
  const auto [empty_code, empty_output] = CheckIcs("empty.ics", JakartaIcs({}), 0, {});
  EXPECT_EQ(empty_code, 0) << empty_output;

  // The checker is not a rubber stamp: a wrong count or instant is reported.
  const std::string ics = JakartaIcs(JakartaSessions());
  const auto [count_code, count_output] =
      CheckIcs("count.ics", ics, 4, {}, /*expect_failure=*/true);
  EXPECT_EQ(count_code, 1) << count_output;
  EXPECT_THAT(count_output, HasSubstr("3 VEVENTs, expected 4"));
  const auto [instant_code, instant_output] =
      CheckIcs("instant.ics", ics, 3, {"ses_open@convene=2023-05-31T09:00:00Z"},
               /*expect_failure=*/true);
  EXPECT_EQ(instant_code, 1) << instant_output;
  EXPECT_THAT(instant_output, HasSubstr("ses_open@convene"));
}

}  // namespace
}  // namespace convene::agenda
