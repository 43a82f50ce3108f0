#include "services/agenda/session_rules.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "services/common/dates.h"
#include "services/common/limits.h"
#include "services/common/testing/status_matchers.h"

namespace convene::agenda {
namespace {

namespace av1 = ::convene::agenda::v1;
namespace rv1 = ::convene::registration::v1;

using ::convene::testing::IsOk;
using ::convene::testing::StatusIs;
using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::StartsWith;

absl::TimeZone Zone(const std::string& name) {
  absl::TimeZone zone;
  EXPECT_TRUE(absl::LoadTimeZone(name, &zone)) << name;
  return zone;
}

absl::Time Utc(int y, int mo, int d, int h, int mi) {
  return absl::FromCivil(absl::CivilMinute(y, mo, d, h, mi), absl::UTCTimeZone());
}

absl::Time TimeOf(const google::protobuf::Timestamp& t) {
  return absl::FromUnixSeconds(t.seconds()) + absl::Nanoseconds(t.nanos());
}

// --- ParseLocalMinute / FormatLocalMinute

TEST(ParseLocalMinuteTest, AcceptsTheDocumentedForms) {
  const absl::CivilMinute want(2023, 5, 31, 9, 0);
  for (const char* text :
       {"2023-05-31T09:00", "2023-05-31 09:00", "2023-05-31T09:00:00", "  2023-05-31T09:00  "}) {
    absl::StatusOr<absl::CivilMinute> got = ParseLocalMinute(text, "start");
    ASSERT_THAT(got, IsOk()) << text;
    EXPECT_EQ(*got, want) << text;
  }
}

TEST(ParseLocalMinuteTest, AcceptsMidnightAndEndOfDay) {
  absl::StatusOr<absl::CivilMinute> midnight = ParseLocalMinute("2024-02-29T00:00", "end");
  ASSERT_THAT(midnight, IsOk());
  EXPECT_EQ(*midnight, absl::CivilMinute(2024, 2, 29, 0, 0));
  absl::StatusOr<absl::CivilMinute> late = ParseLocalMinute("2023-12-31T23:59", "end");
  ASSERT_THAT(late, IsOk());
  EXPECT_EQ(*late, absl::CivilMinute(2023, 12, 31, 23, 59));
}

TEST(ParseLocalMinuteTest, RejectsMalformedAndImpossibleTimesNamingTheField) {
  for (const char* text :
       {"2023-05-31T9:00", "2023-02-29T09:00", "2023-05-31T25:00", "", "   ", "09:00", "2023-05-31",
        "2023-05-31T09:60", "2023-13-01T09:00", "2023-05-31T09:00:30", "2023-05-31T09:00Z",
        "31/05/2023 09:00", "2023-05-31T24:00"}) {
    EXPECT_THAT(ParseLocalMinute(text, "start"),
                StatusIs(absl::StatusCode::kInvalidArgument, StartsWith("start")))
        << "\"" << text << "\"";
    EXPECT_THAT(ParseLocalMinute(text, "end"),
                StatusIs(absl::StatusCode::kInvalidArgument, StartsWith("end")))
        << "\"" << text << "\"";
  }
}

TEST(FormatLocalMinuteTest, ZeroPadsAndRoundTrips) {
  EXPECT_EQ(FormatLocalMinute(absl::CivilMinute(2023, 5, 1, 7, 5)), "2023-05-01T07:05");
  const absl::CivilMinute minute(2024, 10, 27, 2, 30);
  absl::StatusOr<absl::CivilMinute> back = ParseLocalMinute(FormatLocalMinute(minute), "start");
  ASSERT_THAT(back, IsOk());
  EXPECT_EQ(*back, minute);
}

// --- ResolveLocal across daylight-saving changes, with the system's zone database

TEST(ResolveLocalTest, ViennaSpringForwardGapDoesNotExist) {
  const absl::TimeZone vienna = Zone("Europe/Vienna");
  EXPECT_THAT(ResolveLocal(absl::CivilMinute(2024, 3, 31, 2, 30), vienna, "Europe/Vienna", "start"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(StartsWith("start"), HasSubstr("does not exist"),
                             HasSubstr("Europe/Vienna"))));
  EXPECT_THAT(ResolveLocal(absl::CivilMinute(2024, 3, 31, 2, 0), vienna, "Europe/Vienna", "end"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(StartsWith("end"), HasSubstr("does not exist"))));
  // Either side of the gap is fine: 01:59 CET and 03:00 CEST are one minute apart.
  absl::StatusOr<absl::Time> before =
      ResolveLocal(absl::CivilMinute(2024, 3, 31, 1, 59), vienna, "Europe/Vienna", "start");
  absl::StatusOr<absl::Time> after =
      ResolveLocal(absl::CivilMinute(2024, 3, 31, 3, 0), vienna, "Europe/Vienna", "start");
  ASSERT_THAT(before, IsOk());
  ASSERT_THAT(after, IsOk());
  EXPECT_EQ(*before, Utc(2024, 3, 31, 0, 59));
  EXPECT_EQ(*after, Utc(2024, 3, 31, 1, 0));
}

TEST(ResolveLocalTest, ViennaFallBackRepeatTakesTheEarlierInstant) {
  const absl::TimeZone vienna = Zone("Europe/Vienna");
  absl::StatusOr<absl::Time> got =
      ResolveLocal(absl::CivilMinute(2024, 10, 27, 2, 30), vienna, "Europe/Vienna", "start");
  ASSERT_THAT(got, IsOk());
  EXPECT_EQ(*got, Utc(2024, 10, 27, 0, 30));  // 02:30 CEST, not 02:30 CET (01:30Z)
  // Outside the repeated hour the offsets are the plain ones.
  absl::StatusOr<absl::Time> after =
      ResolveLocal(absl::CivilMinute(2024, 10, 27, 3, 0), vienna, "Europe/Vienna", "start");
  ASSERT_THAT(after, IsOk());
  EXPECT_EQ(*after, Utc(2024, 10, 27, 2, 0));
}

TEST(ResolveLocalTest, JakartaHasNoDaylightSaving) {
  const absl::TimeZone jakarta = Zone("Asia/Jakarta");
  absl::StatusOr<absl::Time> got =
      ResolveLocal(absl::CivilMinute(2023, 5, 31, 9, 0), jakarta, "Asia/Jakarta", "start");
  ASSERT_THAT(got, IsOk());
  EXPECT_EQ(*got, Utc(2023, 5, 31, 2, 0));
  // Every minute of a whole year resolves to a unique UTC+7 instant.
  for (absl::CivilHour h(2023, 1, 1, 0); h < absl::CivilHour(2024, 1, 1, 0); ++h) {
    const absl::CivilMinute m(h);
    absl::StatusOr<absl::Time> t = ResolveLocal(m, jakarta, "Asia/Jakarta", "start");
    ASSERT_THAT(t, IsOk()) << FormatLocalMinute(m);
    ASSERT_EQ(*t, absl::FromCivil(m, absl::UTCTimeZone()) - absl::Hours(7)) << FormatLocalMinute(m);
  }
}

TEST(ResolveLocalTest, NewYorkSpringForwardAndFallBack) {
  const absl::TimeZone ny = Zone("America/New_York");
  EXPECT_THAT(ResolveLocal(absl::CivilMinute(2024, 3, 10, 2, 30), ny, "America/New_York", "start"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(StartsWith("start"), HasSubstr("does not exist"),
                             HasSubstr("America/New_York"))));
  absl::StatusOr<absl::Time> before =
      ResolveLocal(absl::CivilMinute(2024, 3, 10, 1, 30), ny, "America/New_York", "start");
  ASSERT_THAT(before, IsOk());
  EXPECT_EQ(*before, Utc(2024, 3, 10, 6, 30));  // EST
  absl::StatusOr<absl::Time> after =
      ResolveLocal(absl::CivilMinute(2024, 3, 10, 3, 0), ny, "America/New_York", "start");
  ASSERT_THAT(after, IsOk());
  EXPECT_EQ(*after, Utc(2024, 3, 10, 7, 0));  // EDT
  // 2024-11-03T01:30 happens twice; the first is EDT (05:30Z), the second EST (06:30Z).
  absl::StatusOr<absl::Time> repeated =
      ResolveLocal(absl::CivilMinute(2024, 11, 3, 1, 30), ny, "America/New_York", "start");
  ASSERT_THAT(repeated, IsOk());
  EXPECT_EQ(*repeated, Utc(2024, 11, 3, 5, 30));
}

// --- NormalizeSession

rv1::Event JakartaEvent() {
  rv1::Event event;
  event.set_id("evt_1");
  event.set_title("Corruption and human rights");
  event.set_time_zone("Asia/Jakarta");
  event.set_start_date("2023-05-30");
  event.set_end_date("2023-05-31");
  return event;
}

av1::Session ValidSession() {
  av1::Session s;
  s.set_event_id("evt_1");
  s.set_title("Opening");
  s.set_start("2023-05-30T09:00");
  s.set_end("2023-05-30T10:30");
  return s;
}

TEST(NormalizeSessionTest, ValidSessionGetsItsInstantsAndZone) {
  av1::Session s = ValidSession();
  s.set_start("2023-05-30 09:00");
  s.set_end("2023-05-30T10:30:00");
  ASSERT_THAT(NormalizeSession(s, JakartaEvent()), IsOk());
  EXPECT_EQ(TimeOf(s.start_time()), Utc(2023, 5, 30, 2, 0));
  EXPECT_EQ(TimeOf(s.end_time()), Utc(2023, 5, 30, 3, 30));
  EXPECT_EQ(s.start(), "2023-05-30T09:00");
  EXPECT_EQ(s.end(), "2023-05-30T10:30");
  EXPECT_EQ(s.time_zone(), "Asia/Jakarta");
}

TEST(NormalizeSessionTest, TitleIsRequired) {
  for (const char* title : {"", "   ", "\t"}) {
    av1::Session s = ValidSession();
    s.set_title(title);
    EXPECT_THAT(NormalizeSession(s, JakartaEvent()),
                StatusIs(absl::StatusCode::kInvalidArgument, StartsWith("title")));
  }
}

TEST(NormalizeSessionTest, TextIsTrimmed) {
  av1::Session s = ValidSession();
  s.set_title("  Opening  ");
  s.set_room(" Hall A ");
  ASSERT_THAT(NormalizeSession(s, JakartaEvent()), IsOk());
  EXPECT_EQ(s.title(), "Opening");
  EXPECT_EQ(s.room(), "Hall A");
}

TEST(NormalizeSessionTest, EndMustBeAfterStart) {
  for (const char* end : {"2023-05-30T09:00", "2023-05-30T08:59", "2023-05-30T08:00"}) {
    av1::Session s = ValidSession();
    s.set_end(end);
    EXPECT_THAT(NormalizeSession(s, JakartaEvent()),
                StatusIs(absl::StatusCode::kInvalidArgument, StartsWith("end")))
        << end;
  }
}

TEST(NormalizeSessionTest, MissingOrMalformedTimesNameTheirField) {
  av1::Session s = ValidSession();
  s.clear_start();
  EXPECT_THAT(NormalizeSession(s, JakartaEvent()),
              StatusIs(absl::StatusCode::kInvalidArgument, StartsWith("start")));
  s = ValidSession();
  s.set_end("2023-05-30T9:30");
  EXPECT_THAT(NormalizeSession(s, JakartaEvent()),
              StatusIs(absl::StatusCode::kInvalidArgument, StartsWith("end")));
}

TEST(NormalizeSessionTest, StartMustBeWithinTheEventsDays) {
  av1::Session s = ValidSession();
  s.set_start("2023-05-29T23:00");
  s.set_end("2023-05-30T01:00");
  EXPECT_THAT(NormalizeSession(s, JakartaEvent()),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(StartsWith("start"), HasSubstr("2023-05-30"))));
  s = ValidSession();
  s.set_start("2023-06-01T09:00");
  s.set_end("2023-06-01T10:00");
  EXPECT_THAT(NormalizeSession(s, JakartaEvent()),
              StatusIs(absl::StatusCode::kInvalidArgument, StartsWith("start")));
  // Midnight after the last day is not a start time within the event.
  s = ValidSession();
  s.set_start("2023-06-01T00:00");
  s.set_end("2023-06-01T01:00");
  EXPECT_THAT(NormalizeSession(s, JakartaEvent()),
              StatusIs(absl::StatusCode::kInvalidArgument, StartsWith("start")));
}

TEST(NormalizeSessionTest, EndMustBeWithinTheEventsDaysOrAtMidnightAfter) {
  av1::Session s = ValidSession();
  s.set_start("2023-05-31T22:00");
  s.set_end("2023-06-01T00:00");
  ASSERT_THAT(NormalizeSession(s, JakartaEvent()), IsOk());
  EXPECT_EQ(TimeOf(s.end_time()), Utc(2023, 5, 31, 17, 0));

  s = ValidSession();
  s.set_start("2023-05-31T22:00");
  s.set_end("2023-06-01T00:01");
  EXPECT_THAT(NormalizeSession(s, JakartaEvent()),
              StatusIs(absl::StatusCode::kInvalidArgument, StartsWith("end")));
  s = ValidSession();
  s.set_start("2023-05-31T22:00");
  s.set_end("2023-06-02T00:00");
  EXPECT_THAT(NormalizeSession(s, JakartaEvent()),
              StatusIs(absl::StatusCode::kInvalidArgument, StartsWith("end")));
  // The first and last minutes of the event's days are fine.
  s = ValidSession();
  s.set_start("2023-05-30T00:00");
  s.set_end("2023-05-31T23:59");
  EXPECT_THAT(NormalizeSession(s, JakartaEvent()), IsOk());
}

TEST(NormalizeSessionTest, UnspecifiedKindBecomesPresentation) {
  av1::Session s = ValidSession();
  s.set_kind(av1::SESSION_KIND_UNSPECIFIED);
  ASSERT_THAT(NormalizeSession(s, JakartaEvent()), IsOk());
  EXPECT_EQ(s.kind(), av1::SESSION_KIND_PRESENTATION);
  s = ValidSession();
  s.set_kind(av1::SESSION_KIND_PANEL);
  ASSERT_THAT(NormalizeSession(s, JakartaEvent()), IsOk());
  EXPECT_EQ(s.kind(), av1::SESSION_KIND_PANEL);
}

TEST(NormalizeSessionTest, InvalidKindNumberIsRejected) {
  for (int kind : {10, 42, -1}) {
    av1::Session s = ValidSession();
    s.set_kind(static_cast<av1::SessionKind>(kind));
    EXPECT_THAT(NormalizeSession(s, JakartaEvent()),
                StatusIs(absl::StatusCode::kInvalidArgument, StartsWith("kind")))
        << kind;
  }
}

TEST(NormalizeSessionTest, NegativeExpectedAudienceIsRejected) {
  av1::Session s = ValidSession();
  s.set_expected_audience(-1);
  EXPECT_THAT(NormalizeSession(s, JakartaEvent()),
              StatusIs(absl::StatusCode::kInvalidArgument, StartsWith("expected_audience")));
  s = ValidSession();
  s.set_expected_audience(0);
  EXPECT_THAT(NormalizeSession(s, JakartaEvent()), IsOk());
}

TEST(NormalizeSessionTest, SpeakersAreDeduplicatedWithoutBlanksInOrder) {
  av1::Session s = ValidSession();
  for (const char* id : {"par_b", "", "par_a", " par_b ", "  ", "par_c", "par_a"}) {
    s.add_speaker_ids(id);
  }
  s.add_topics("ethics");
  s.add_topics(" ethics");
  s.add_topics("");
  s.add_topics("law");
  ASSERT_THAT(NormalizeSession(s, JakartaEvent()), IsOk());
  EXPECT_THAT(s.speaker_ids(), ElementsAre("par_b", "par_a", "par_c"));
  EXPECT_THAT(s.topics(), ElementsAre("ethics", "law"));
}

TEST(NormalizeSessionTest, ChairListedAsSpeakerIsRejected) {
  av1::Session s = ValidSession();
  s.set_chair_id("par_a");
  s.add_speaker_ids("par_b");
  s.add_speaker_ids(" par_a ");
  EXPECT_THAT(NormalizeSession(s, JakartaEvent()),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(StartsWith("speaker_ids"), HasSubstr("par_a"))));
  s = ValidSession();
  s.set_chair_id(" par_a");
  s.add_speaker_ids("par_a");
  EXPECT_THAT(NormalizeSession(s, JakartaEvent()),
              StatusIs(absl::StatusCode::kInvalidArgument, StartsWith("speaker_ids")));
  // No chair and speakers is fine.
  s = ValidSession();
  s.add_speaker_ids("par_b");
  EXPECT_THAT(NormalizeSession(s, JakartaEvent()), IsOk());
}

TEST(NormalizeSessionTest, MultiLineTitleIsRejected) {
  av1::Session s = ValidSession();
  s.set_title("Opening\nand welcome");
  EXPECT_THAT(NormalizeSession(s, JakartaEvent()),
              StatusIs(absl::StatusCode::kInvalidArgument, StartsWith("title")));
}

// --- Limits (services/common/limits.h)

TEST(NormalizeSessionTest, TextLongerThanItsLimitIsRejectedNamingFieldAndLimit) {
  struct Case {
    const char* field;
    std::string* (av1::Session::*text)();
    size_t limit;
  };
  for (const Case& c :
       {Case{"title", &av1::Session::mutable_title, kMaxLineLength},
        Case{"room", &av1::Session::mutable_room, kMaxKeyLength},
        Case{"online_link", &av1::Session::mutable_online_link, kMaxLinkLength},
        Case{"chair_id", &av1::Session::mutable_chair_id, kMaxKeyLength},
        Case{"description", &av1::Session::mutable_description, kMaxDescriptionLength}}) {
    av1::Session s = ValidSession();
    // Characters, not bytes: "ễ" is three bytes of UTF-8.
    std::string at_limit;
    for (size_t i = 0; i < c.limit; ++i) at_limit += "ễ";
    *(s.*c.text)() = at_limit;
    EXPECT_THAT(NormalizeSession(s, JakartaEvent()), IsOk()) << c.field;
    s = ValidSession();
    *(s.*c.text)() = at_limit + "x";
    EXPECT_THAT(NormalizeSession(s, JakartaEvent()),
                StatusIs(absl::StatusCode::kInvalidArgument,
                         StartsWith(absl::StrCat(c.field, ": ", c.limit + 1,
                                                 " characters, at most ", c.limit))));
  }
}

TEST(NormalizeSessionTest, AtMostFiftySpeakersAndFiftyTopics) {
  av1::Session s = ValidSession();
  for (int i = 0; i < kMaxSpeakers; ++i) s.add_speaker_ids(absl::StrCat("par_", i));
  for (int i = 0; i < kMaxListItems; ++i) s.add_topics(absl::StrCat("topic ", i));
  EXPECT_THAT(NormalizeSession(s, JakartaEvent()), IsOk());
  s.add_speaker_ids("par_extra");
  EXPECT_THAT(NormalizeSession(s, JakartaEvent()),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       StartsWith("speaker_ids: 51 speakers, at most 50")));
  s = ValidSession();
  for (int i = 0; i <= kMaxListItems; ++i) s.add_topics(absl::StrCat("topic ", i));
  EXPECT_THAT(
      NormalizeSession(s, JakartaEvent()),
      StatusIs(absl::StatusCode::kInvalidArgument, StartsWith("topics: 51 topics, at most 50")));
  s = ValidSession();
  s.add_speaker_ids(std::string(kMaxKeyLength + 1, 'p'));
  EXPECT_THAT(
      NormalizeSession(s, JakartaEvent()),
      StatusIs(absl::StatusCode::kInvalidArgument, StartsWith("speaker_ids: 101 characters")));
}

rv1::Event ViennaEvent() {
  rv1::Event event;
  event.set_id("evt_2");
  event.set_title("Webinar");
  event.set_time_zone("Europe/Vienna");
  event.set_start_date("2024-03-31");
  event.set_end_date("2024-03-31");
  return event;
}

TEST(NormalizeSessionTest, ViennaSpringForwardShortensTheSession) {
  av1::Session s = ValidSession();
  s.set_event_id("evt_2");
  s.set_start("2024-03-31T01:00");
  s.set_end("2024-03-31T04:00");
  ASSERT_THAT(NormalizeSession(s, ViennaEvent()), IsOk());
  EXPECT_EQ(TimeOf(s.start_time()), Utc(2024, 3, 31, 0, 0));
  EXPECT_EQ(TimeOf(s.end_time()), Utc(2024, 3, 31, 2, 0));
  EXPECT_EQ(TimeOf(s.end_time()) - TimeOf(s.start_time()), absl::Hours(2));
  EXPECT_EQ(s.time_zone(), "Europe/Vienna");
}

TEST(NormalizeSessionTest, ViennaStartInTheGapIsRejected) {
  av1::Session s = ValidSession();
  s.set_event_id("evt_2");
  s.set_start("2024-03-31T02:30");
  s.set_end("2024-03-31T04:00");
  EXPECT_THAT(NormalizeSession(s, ViennaEvent()),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(StartsWith("start"), HasSubstr("does not exist"))));
  s.set_start("2024-03-31T01:00");
  s.set_end("2024-03-31T02:15");
  EXPECT_THAT(NormalizeSession(s, ViennaEvent()),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(StartsWith("end"), HasSubstr("does not exist"))));
}

TEST(NormalizeSessionTest, EventWithUnknownZoneIsRejected) {
  rv1::Event event = JakartaEvent();
  event.set_time_zone("Mars/Olympus_Mons");
  av1::Session s = ValidSession();
  EXPECT_THAT(NormalizeSession(s, event),
              StatusIs(absl::StatusCode::kInvalidArgument, StartsWith("time_zone")));
}

// --- RenderTimes and ViewZone

av1::Session WithInstants(absl::Time start, absl::Time end) {
  av1::Session s;
  s.set_id("ses_1");
  ToTimestamp(start, s.mutable_start_time());
  ToTimestamp(end, s.mutable_end_time());
  return s;
}

TEST(RenderTimesTest, JakartaHandChecked) {
  av1::Session s = WithInstants(Utc(2023, 5, 31, 2, 0), Utc(2023, 5, 31, 3, 30));
  RenderTimes(s, Zone("Asia/Jakarta"), "Asia/Jakarta");
  EXPECT_EQ(s.start(), "2023-05-31T09:00");
  EXPECT_EQ(s.end(), "2023-05-31T10:30");
  EXPECT_EQ(s.time_zone(), "Asia/Jakarta");
}

TEST(RenderTimesTest, SameInstantsInSeveralZonesMatchAbseil) {
  const std::vector<std::pair<absl::Time, absl::Time>> intervals = {
      {Utc(2023, 5, 31, 2, 0), Utc(2023, 5, 31, 3, 30)},
      {Utc(2023, 5, 30, 17, 0), Utc(2023, 5, 30, 23, 45)},   // across local midnight
      {Utc(2024, 3, 31, 0, 30), Utc(2024, 3, 31, 1, 30)},    // across Vienna's spring-forward
      {Utc(2024, 10, 27, 0, 30), Utc(2024, 10, 27, 1, 30)},  // Vienna's repeated hour twice
  };
  for (const char* name : {"Asia/Almaty", "Asia/Jakarta", "Europe/Vienna"}) {
    const absl::TimeZone zone = Zone(name);
    for (const auto& [start, end] : intervals) {
      av1::Session s = WithInstants(start, end);
      RenderTimes(s, zone, name);
      EXPECT_EQ(s.start(), absl::FormatCivilTime(absl::ToCivilMinute(start, zone))) << name;
      EXPECT_EQ(s.end(), absl::FormatCivilTime(absl::ToCivilMinute(end, zone))) << name;
      EXPECT_EQ(s.time_zone(), name);
    }
  }
}

TEST(RenderTimesTest, ViennaRepeatedHourRendersTheSameLocalTimeTwice) {
  av1::Session s = WithInstants(Utc(2024, 10, 27, 0, 30), Utc(2024, 10, 27, 1, 30));
  RenderTimes(s, Zone("Europe/Vienna"), "Europe/Vienna");
  EXPECT_EQ(s.start(), "2024-10-27T02:30");
  EXPECT_EQ(s.end(), "2024-10-27T02:30");
}

TEST(RenderTimesTest, RoundTripsNormalizeSession) {
  av1::Session s = ValidSession();
  s.set_start("2023-05-31T09:00");
  s.set_end("2023-05-31T10:00");
  ASSERT_THAT(NormalizeSession(s, JakartaEvent()), IsOk());
  av1::Session rendered = s;
  rendered.clear_start();
  rendered.clear_end();
  RenderTimes(rendered, Zone("Asia/Jakarta"), "Asia/Jakarta");
  EXPECT_EQ(rendered.start(), s.start());
  EXPECT_EQ(rendered.end(), s.end());
}

TEST(ViewZoneTest, EventZoneOrOverride) {
  const rv1::Event event = JakartaEvent();
  std::string name;
  absl::StatusOr<absl::TimeZone> zone = ViewZone(event, "", &name);
  ASSERT_THAT(zone, IsOk());
  EXPECT_EQ(name, "Asia/Jakarta");
  zone = ViewZone(event, "Asia/Almaty", &name);
  ASSERT_THAT(zone, IsOk());
  EXPECT_EQ(name, "Asia/Almaty");
  EXPECT_EQ(zone->name(), "Asia/Almaty");
  EXPECT_THAT(ViewZone(event, "Nowhere/Atlantis", &name),
              StatusIs(absl::StatusCode::kInvalidArgument, StartsWith("time_zone")));
}

// --- Overlaps

av1::Session At(int start_minute, int end_minute) {
  const absl::Time base = Utc(2023, 5, 31, 2, 0);
  return WithInstants(base + absl::Minutes(start_minute), base + absl::Minutes(end_minute));
}

TEST(OverlapsTest, ExhaustiveOnASmallGrid) {
  int overlapping = 0, checked = 0;
  for (int a = 0; a <= 5; ++a) {
    for (int b = a + 1; b <= 5; ++b) {
      for (int c = 0; c <= 5; ++c) {
        for (int d = c + 1; d <= 5; ++d) {
          // The plain definition: some minute lies in both [a, b) and [c, d).
          bool shared = false;
          for (int t = 0; t <= 5; ++t) shared |= (a <= t && t < b && c <= t && t < d);
          EXPECT_EQ(Overlaps(At(a, b), At(c, d)), shared)
              << "[" << a << "," << b << ") vs [" << c << "," << d << ")";
          EXPECT_EQ(Overlaps(At(c, d), At(a, b)), shared);
          overlapping += shared;
          ++checked;
        }
      }
    }
  }
  EXPECT_EQ(checked, 15 * 15);
  EXPECT_GT(overlapping, 0);
  EXPECT_LT(overlapping, checked);
}

TEST(OverlapsTest, BackToBackIsNotAnOverlap) {
  EXPECT_FALSE(Overlaps(At(0, 60), At(60, 90)));
  EXPECT_FALSE(Overlaps(At(60, 90), At(0, 60)));
  EXPECT_TRUE(Overlaps(At(0, 61), At(60, 90)));
}

TEST(OverlapsTest, SubSecondPrecisionCounts) {
  av1::Session a = At(0, 60);
  av1::Session b = At(60, 90);
  a.mutable_end_time()->set_nanos(1000);  // one microsecond later
  EXPECT_TRUE(Overlaps(a, b));
}

// --- HoldsRoom, RoomKey, PeopleOf

TEST(HoldsRoomTest, BreaksNetworkingAndOnlineSessionsHoldNoRoom) {
  av1::Session s = At(0, 60);
  s.set_room("Hall A");
  s.set_kind(av1::SESSION_KIND_PANEL);
  EXPECT_TRUE(HoldsRoom(s));
  s.set_kind(av1::SESSION_KIND_BREAK);
  EXPECT_FALSE(HoldsRoom(s));
  s.set_kind(av1::SESSION_KIND_NETWORKING);
  EXPECT_FALSE(HoldsRoom(s));
  s.set_kind(av1::SESSION_KIND_PLENARY);
  s.set_room("  ");
  EXPECT_FALSE(HoldsRoom(s));
  s.set_room("");
  s.set_online_link("https://meet.example/abc");
  EXPECT_FALSE(HoldsRoom(s));
}

TEST(RoomKeyTest, IgnoresCaseAndSurroundingSpace) {
  EXPECT_EQ(RoomKey("  Hall A "), "hall a");
  EXPECT_EQ(RoomKey("HALL A"), RoomKey("hall a"));
  EXPECT_NE(RoomKey("Hall A"), RoomKey("Hall  A"));
}

TEST(PeopleOfTest, ChairFirstThenSpeakers) {
  av1::Session s;
  s.add_speaker_ids("par_b");
  s.add_speaker_ids("par_c");
  EXPECT_THAT(PeopleOf(s), ElementsAre("par_b", "par_c"));
  s.set_chair_id("par_a");
  EXPECT_THAT(PeopleOf(s), ElementsAre("par_a", "par_b", "par_c"));
}

// --- FindClash

av1::Session Clashable(const std::string& id, int start_minute, int end_minute,
                       const std::string& room = "",
                       av1::SessionKind kind = av1::SESSION_KIND_PANEL) {
  av1::Session s = At(start_minute, end_minute);
  s.set_id(id);
  s.set_event_id("evt_1");
  s.set_title(id);
  s.set_room(room);
  s.set_kind(kind);
  return s;
}

TEST(FindClashTest, SameSpeakerInOverlappingSessions) {
  av1::Session candidate = Clashable("ses_new", 0, 60);
  candidate.add_speaker_ids("par_x");
  candidate.add_speaker_ids("par_y");
  av1::Session other = Clashable("ses_1", 30, 90);
  other.add_speaker_ids("par_y");
  const std::vector<av1::Session> others = {other};
  std::optional<Clash> clash = FindClash(candidate, others);
  ASSERT_TRUE(clash.has_value());
  EXPECT_EQ(clash->kind, Clash::Kind::kPerson);
  EXPECT_EQ(clash->participant_id, "par_y");
  EXPECT_EQ(clash->other, &others[0]);
}

TEST(FindClashTest, ChairInOneAndSpeakerInTheOther) {
  av1::Session candidate = Clashable("ses_new", 0, 60);
  candidate.set_chair_id("par_x");
  av1::Session other = Clashable("ses_1", 30, 90);
  other.add_speaker_ids("par_x");
  std::optional<Clash> clash = FindClash(candidate, {other});
  ASSERT_TRUE(clash.has_value());
  EXPECT_EQ(clash->kind, Clash::Kind::kPerson);
  EXPECT_EQ(clash->participant_id, "par_x");

  // And the other way round.
  candidate.clear_chair_id();
  candidate.add_speaker_ids("par_z");
  other.set_chair_id("par_z");
  other.clear_speaker_ids();
  clash = FindClash(candidate, {other});
  ASSERT_TRUE(clash.has_value());
  EXPECT_EQ(clash->kind, Clash::Kind::kPerson);
  EXPECT_EQ(clash->participant_id, "par_z");
}

TEST(FindClashTest, BackToBackIsNoClash) {
  av1::Session candidate = Clashable("ses_new", 60, 120, "Hall A");
  candidate.add_speaker_ids("par_x");
  av1::Session before = Clashable("ses_1", 0, 60, "Hall A");
  before.add_speaker_ids("par_x");
  av1::Session after = Clashable("ses_2", 120, 180, "hall a");
  after.set_chair_id("par_x");
  EXPECT_FALSE(FindClash(candidate, {before, after}).has_value());
}

TEST(FindClashTest, NoSharedPeopleAndDifferentRoomsIsNoClash) {
  av1::Session candidate = Clashable("ses_new", 0, 60, "Hall A");
  candidate.add_speaker_ids("par_x");
  av1::Session other = Clashable("ses_1", 0, 60, "Hall B");
  other.add_speaker_ids("par_y");
  EXPECT_FALSE(FindClash(candidate, {other}).has_value());
}

TEST(FindClashTest, SameRoomOverlapping) {
  av1::Session candidate = Clashable("ses_new", 0, 60, "Hall A");
  av1::Session other = Clashable("ses_1", 59, 90, "Hall A");
  const std::vector<av1::Session> others = {other};
  std::optional<Clash> clash = FindClash(candidate, others);
  ASSERT_TRUE(clash.has_value());
  EXPECT_EQ(clash->kind, Clash::Kind::kRoom);
  EXPECT_EQ(clash->other, &others[0]);
}

TEST(FindClashTest, RoomNamesDifferingInCaseAndSpacesStillClash) {
  av1::Session candidate = Clashable("ses_new", 0, 60, "  HALL a ");
  av1::Session other = Clashable("ses_1", 10, 20, "Hall A");
  std::optional<Clash> clash = FindClash(candidate, {other});
  ASSERT_TRUE(clash.has_value());
  EXPECT_EQ(clash->kind, Clash::Kind::kRoom);
}

TEST(FindClashTest, BreakInTheSameRoomHoldsNoRoomButPeopleStillClash) {
  av1::Session candidate = Clashable("ses_new", 0, 60, "Hall A");
  av1::Session coffee = Clashable("ses_1", 0, 60, "Hall A", av1::SESSION_KIND_BREAK);
  EXPECT_FALSE(FindClash(candidate, {coffee}).has_value());
  // The candidate being the break works the same way.
  EXPECT_FALSE(FindClash(coffee, {candidate}).has_value());
  av1::Session mingle = Clashable("ses_2", 0, 60, "hall a", av1::SESSION_KIND_NETWORKING);
  EXPECT_FALSE(FindClash(candidate, {mingle}).has_value());

  candidate.set_chair_id("par_x");
  coffee.add_speaker_ids("par_x");
  std::optional<Clash> clash = FindClash(candidate, {coffee});
  ASSERT_TRUE(clash.has_value());
  EXPECT_EQ(clash->kind, Clash::Kind::kPerson);
  EXPECT_EQ(clash->participant_id, "par_x");
}

TEST(FindClashTest, OnlineSessionsNeverRoomClash) {
  av1::Session candidate = Clashable("ses_new", 0, 60);
  candidate.set_online_link("https://meet.example/a");
  av1::Session other = Clashable("ses_1", 0, 60);
  other.set_online_link("https://meet.example/a");
  EXPECT_FALSE(FindClash(candidate, {other}).has_value());
  // One online, one in a room: no room clash either.
  other.set_room("Hall A");
  EXPECT_FALSE(FindClash(candidate, {other}).has_value());
}

TEST(FindClashTest, TheCandidateItselfIsIgnored) {
  av1::Session candidate = Clashable("ses_1", 0, 60, "Hall A");
  candidate.add_speaker_ids("par_x");
  av1::Session stored = Clashable("ses_1", 30, 90, "Hall A");  // its own earlier version
  stored.add_speaker_ids("par_x");
  EXPECT_FALSE(FindClash(candidate, {stored}).has_value());
}

TEST(FindClashTest, ReportsTheFirstClashingSession) {
  av1::Session candidate = Clashable("ses_new", 0, 60, "Hall A");
  candidate.add_speaker_ids("par_x");
  const std::vector<av1::Session> others = {
      Clashable("ses_1", 60, 90, "Hall A"),  // back to back
      Clashable("ses_2", 30, 90, "Hall B"),  // no shared person or room
      Clashable("ses_3", 30, 90, "hall a"),  // room clash
      Clashable("ses_4", 30, 90, "Hall C"),
  };
  std::optional<Clash> clash = FindClash(candidate, others);
  ASSERT_TRUE(clash.has_value());
  EXPECT_EQ(clash->kind, Clash::Kind::kRoom);
  EXPECT_EQ(clash->other, &others[2]);
  EXPECT_FALSE(FindClash(candidate, {}).has_value());
}

// --- SortSessions

TEST(SortSessionsTest, StartThenEndThenTitleThenId) {
  auto make = [](const std::string& id, const std::string& title, int start, int end) {
    av1::Session s = At(start, end);
    s.set_id(id);
    s.set_title(title);
    return s;
  };
  std::vector<av1::Session> sessions = {
      make("ses_6", "A", 60, 90), make("ses_5", "B", 0, 90), make("ses_4", "B", 0, 60),
      make("ses_3", "A", 0, 60),  make("ses_2", "A", 0, 60), make("ses_1", "Z", -30, 200),
  };
  SortSessions(sessions);
  std::vector<std::string> ids;
  for (const av1::Session& s : sessions) ids.push_back(s.id());
  EXPECT_THAT(ids, ElementsAre("ses_1", "ses_2", "ses_3", "ses_4", "ses_5", "ses_6"));
}

}  // namespace
}  // namespace convene::agenda
