#include "services/registration/rules.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "services/common/limits.h"
#include "services/common/testing/status_matchers.h"

namespace convene::registration {
namespace {

using ::convene::testing::IsOk;
using ::convene::testing::StatusIs;
using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::Pair;
using ::testing::Property;
using ::testing::SizeIs;
using ::testing::StartsWith;
using ::testing::UnorderedElementsAre;

// --- Capacity and waitlist ---------------------------------------------------

TEST(AdmissionStatusTest, MatchesDefinitionExhaustively) {
  for (int32_t capacity = 0; capacity <= 6; ++capacity) {
    for (int64_t confirmed = 0; confirmed <= 8; ++confirmed) {
      const bool seat = capacity == 0 || confirmed < capacity;
      EXPECT_EQ(AdmissionStatus(capacity, confirmed),
                seat ? v1::PARTICIPANT_STATUS_CONFIRMED : v1::PARTICIPANT_STATUS_WAITLISTED)
          << "capacity " << capacity << ", confirmed " << confirmed;
    }
  }
}

TEST(SeatsToFillTest, MatchesDefinitionExhaustively) {
  for (int32_t capacity = 0; capacity <= 6; ++capacity) {
    for (int64_t confirmed = 0; confirmed <= 8; ++confirmed) {
      for (int64_t waitlisted = 0; waitlisted <= 8; ++waitlisted) {
        const int64_t expected =
            capacity == 0
                ? waitlisted
                : std::min<int64_t>(waitlisted, std::max<int64_t>(0, capacity - confirmed));
        EXPECT_EQ(SeatsToFill(capacity, confirmed, waitlisted), expected)
            << "capacity " << capacity << ", confirmed " << confirmed << ", waitlisted "
            << waitlisted;
      }
    }
  }
}

// A tiny in-test event: the list is the model, AdmissionStatus and SeatsToFill
// decide who gets a seat.
class SimulatedEvent {
 public:
  explicit SimulatedEvent(int32_t capacity) : capacity_(capacity) {}

  // Returns the newcomer's index (its arrival order).
  int Add() {
    people_.push_back(AdmissionStatus(capacity_, Count(kConfirmed)));
    return static_cast<int>(people_.size()) - 1;
  }

  // Cancels `who`; returns the indexes promoted, in the order promoted.
  std::vector<int> Cancel(int who) {
    std::vector<int> promoted;
    if (people_[who] == kCancelled) return promoted;
    const bool held_seat = people_[who] == kConfirmed;
    people_[who] = kCancelled;
    if (!held_seat) return promoted;
    int64_t seats = SeatsToFill(capacity_, Count(kConfirmed), Count(kWaitlisted));
    for (size_t i = 0; i < people_.size() && seats > 0; ++i) {
      if (people_[i] == kWaitlisted) {
        people_[i] = kConfirmed;
        promoted.push_back(static_cast<int>(i));
        --seats;
      }
    }
    return promoted;
  }

  int64_t Count(v1::ParticipantStatus status) const {
    return std::count(people_.begin(), people_.end(), status);
  }
  const std::vector<v1::ParticipantStatus>& people() const { return people_; }

  static constexpr v1::ParticipantStatus kConfirmed = v1::PARTICIPANT_STATUS_CONFIRMED;
  static constexpr v1::ParticipantStatus kWaitlisted = v1::PARTICIPANT_STATUS_WAITLISTED;
  static constexpr v1::ParticipantStatus kCancelled = v1::PARTICIPANT_STATUS_CANCELLED;

 private:
  int32_t capacity_;
  std::vector<v1::ParticipantStatus> people_;
};

// Strict first come, first served: no waitlisted participant arrived before a
// confirmed one, and the seats are full whenever anyone waits.
void ExpectFirstComeFirstServed(const SimulatedEvent& event, int32_t capacity) {
  const auto& people = event.people();
  int last_confirmed = -1;
  int first_waitlisted = static_cast<int>(people.size());
  for (int i = 0; i < static_cast<int>(people.size()); ++i) {
    if (people[i] == SimulatedEvent::kConfirmed) last_confirmed = i;
    if (people[i] == SimulatedEvent::kWaitlisted) {
      first_waitlisted = std::min(first_waitlisted, i);
    }
  }
  EXPECT_LT(last_confirmed, first_waitlisted)
      << "a waitlisted participant arrived before a confirmed one";
  const int64_t active =
      event.Count(SimulatedEvent::kConfirmed) + event.Count(SimulatedEvent::kWaitlisted);
  EXPECT_EQ(event.Count(SimulatedEvent::kConfirmed), std::min<int64_t>(capacity, active));
}

TEST(WaitlistSimulationTest, ScriptedSequenceOnCapacityThree) {
  SimulatedEvent event(3);
  const int a = event.Add(), b = event.Add(), c = event.Add();
  const int d = event.Add(), e = event.Add(), f = event.Add();
  EXPECT_THAT(event.people(),
              ElementsAre(SimulatedEvent::kConfirmed, SimulatedEvent::kConfirmed,
                          SimulatedEvent::kConfirmed, SimulatedEvent::kWaitlisted,
                          SimulatedEvent::kWaitlisted, SimulatedEvent::kWaitlisted));
  EXPECT_THAT(event.Cancel(b), ElementsAre(d));  // earliest waitlisted
  EXPECT_THAT(event.Cancel(b), IsEmpty());       // twice: nothing
  EXPECT_THAT(event.Cancel(e), IsEmpty());       // a waitlisted frees no seat
  EXPECT_THAT(event.Cancel(a), ElementsAre(f));
  const int g = event.Add();
  EXPECT_EQ(event.people()[g], SimulatedEvent::kWaitlisted);
  EXPECT_THAT(event.Cancel(c), ElementsAre(g));
  EXPECT_THAT(event.Cancel(d), IsEmpty());  // nobody left waiting
  const int h = event.Add();
  EXPECT_EQ(event.people()[h], SimulatedEvent::kConfirmed);
  ExpectFirstComeFirstServed(event, 3);
}

TEST(WaitlistSimulationTest, RandomSequencesPromoteEarliestWaitlisted) {
  std::mt19937 random(20241001);
  for (int round = 0; round < 50; ++round) {
    SimulatedEvent event(3);
    for (int step = 0; step < 60; ++step) {
      if (event.people().empty() || random() % 5 < 3) {
        event.Add();
      } else {
        const int who = static_cast<int>(random() % event.people().size());
        const v1::ParticipantStatus before = event.people()[who];
        // The earliest waitlisted before the cancel is the one who must move.
        int earliest = -1;
        for (int i = 0; i < static_cast<int>(event.people().size()); ++i) {
          if (event.people()[i] == SimulatedEvent::kWaitlisted && i != who) {
            earliest = i;
            break;
          }
        }
        const std::vector<int> promoted = event.Cancel(who);
        if (before == SimulatedEvent::kConfirmed && earliest >= 0) {
          EXPECT_THAT(promoted, ElementsAre(earliest));
        } else {
          EXPECT_THAT(promoted, IsEmpty());
        }
      }
      ExpectFirstComeFirstServed(event, 3);
    }
  }
}

// --- Events ------------------------------------------------------------------

v1::Event ValidEvent() {
  v1::Event event;
  event.set_title("Regional dialogue on anti-corruption and human rights");
  event.set_time_zone("Asia/Kuala_Lumpur");
  event.set_start_date("2024-10-01");
  event.set_end_date("2024-10-03");
  event.set_capacity(30);
  return event;
}

TEST(NormalizeEventTest, AcceptsValidEvent) {
  v1::Event event = ValidEvent();
  EXPECT_THAT(NormalizeEvent(event), IsOk());
  EXPECT_EQ(event.title(), "Regional dialogue on anti-corruption and human rights");
}

TEST(NormalizeEventTest, TitleRequired) {
  v1::Event event = ValidEvent();
  event.set_title("   ");
  EXPECT_THAT(NormalizeEvent(event),
              StatusIs(absl::StatusCode::kInvalidArgument, StartsWith("title")));
}

TEST(NormalizeEventTest, EndBeforeStart) {
  v1::Event event = ValidEvent();
  event.set_start_date("2024-10-03");
  event.set_end_date("2024-10-01");
  EXPECT_THAT(NormalizeEvent(event),
              StatusIs(absl::StatusCode::kInvalidArgument, StartsWith("end_date")));
}

TEST(NormalizeEventTest, OneDayEventIsFine) {
  v1::Event event = ValidEvent();
  event.set_end_date(event.start_date());
  EXPECT_THAT(NormalizeEvent(event), IsOk());
}

TEST(NormalizeEventTest, UnknownZone) {
  v1::Event event = ValidEvent();
  event.set_time_zone("Asia/Atlantis");
  EXPECT_THAT(NormalizeEvent(event),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("time_zone")));
  event.set_time_zone("");
  EXPECT_THAT(NormalizeEvent(event),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("time_zone")));
}

TEST(NormalizeEventTest, NegativeCapacity) {
  v1::Event event = ValidEvent();
  event.set_capacity(-1);
  EXPECT_THAT(NormalizeEvent(event),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("capacity")));
  event.set_capacity(0);  // unlimited
  EXPECT_THAT(NormalizeEvent(event), IsOk());
}

TEST(NormalizeEventTest, NotARealDay) {
  v1::Event event = ValidEvent();
  event.set_start_date("2023-02-29");
  event.set_end_date("2023-03-02");
  EXPECT_THAT(NormalizeEvent(event),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("start_date")));
  event = ValidEvent();
  event.set_end_date("2024-10-32");
  EXPECT_THAT(NormalizeEvent(event),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("end_date")));
  event = ValidEvent();
  event.set_start_date("1/10/2024");
  EXPECT_THAT(NormalizeEvent(event),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("start_date")));
  event = ValidEvent();
  event.clear_start_date();
  EXPECT_THAT(NormalizeEvent(event),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("start_date")));
}

TEST(NormalizeEventTest, CountryBecomesCode) {
  v1::Event event = ValidEvent();
  event.set_country("Malaysia");
  ASSERT_THAT(NormalizeEvent(event), IsOk());
  EXPECT_EQ(event.country(), "MY");

  event.set_country("Atlantis");
  EXPECT_THAT(NormalizeEvent(event),
              StatusIs(absl::StatusCode::kInvalidArgument, StartsWith("country")));
}

TEST(NormalizeEventTest, CountryIsOptional) {
  v1::Event event = ValidEvent();
  event.set_country("  ");
  ASSERT_THAT(NormalizeEvent(event), IsOk());
  EXPECT_EQ(event.country(), "");
}

TEST(NormalizeEventTest, TrimsText) {
  v1::Event event = ValidEvent();
  event.set_title("  Workshop on asset declarations \t");
  event.set_city(" Kuala Lumpur ");
  event.set_time_zone(" Asia/Kuala_Lumpur ");
  event.set_start_date(" 2024-10-01");
  event.set_end_date("2024-10-02 ");
  event.set_country(" malaysia ");
  event.add_organisers("  UNDP ");
  event.add_organisers("   ");
  event.add_organisers("OHCHR");
  event.add_languages(" en ");
  ASSERT_THAT(NormalizeEvent(event), IsOk());
  EXPECT_EQ(event.title(), "Workshop on asset declarations");
  EXPECT_EQ(event.city(), "Kuala Lumpur");
  EXPECT_EQ(event.time_zone(), "Asia/Kuala_Lumpur");
  EXPECT_EQ(event.start_date(), "2024-10-01");
  EXPECT_EQ(event.end_date(), "2024-10-02");
  EXPECT_EQ(event.country(), "MY");
  EXPECT_THAT(event.organisers(), ElementsAre("UNDP", "OHCHR"));
  EXPECT_THAT(event.languages(), ElementsAre("en"));
}

TEST(NormalizeEventTest, MultiLineTitleRejected) {
  v1::Event event = ValidEvent();
  event.set_title("Workshop\nDay one");
  EXPECT_THAT(NormalizeEvent(event),
              StatusIs(absl::StatusCode::kInvalidArgument, StartsWith("title")));
}

TEST(NormalizeEventTest, InvalidFormatValue) {
  v1::Event event = ValidEvent();
  event.set_format(static_cast<v1::EventFormat>(42));
  EXPECT_THAT(NormalizeEvent(event),
              StatusIs(absl::StatusCode::kInvalidArgument, StartsWith("format")));
}

// --- Participants ------------------------------------------------------------

v1::Participant ValidParticipant() {
  v1::Participant p;
  p.set_name("Aigerim Nurlanovna");
  p.set_email("aigerim@example.org");
  p.set_country("KZ");
  return p;
}

TEST(NormalizeParticipantTest, AcceptsValidParticipant) {
  v1::Participant p = ValidParticipant();
  EXPECT_THAT(NormalizeParticipant(p), IsOk());
  EXPECT_EQ(p.country(), "KZ");
}

TEST(NormalizeParticipantTest, RequiredFieldsNamed) {
  for (const char* field : {"name", "email", "country"}) {
    v1::Participant p = ValidParticipant();
    if (absl::string_view(field) == "name") p.set_name(" ");
    if (absl::string_view(field) == "email") p.clear_email();
    if (absl::string_view(field) == "country") p.set_country("");
    EXPECT_THAT(NormalizeParticipant(p),
                StatusIs(absl::StatusCode::kInvalidArgument, StartsWith(field)))
        << field;
  }
}

TEST(NormalizeParticipantTest, BadEmailsRejected) {
  for (const char* email : {"a@", "no-at-sign", "a b@c.org", "a@b@c.org", "@example.org",
                            "a@example", "a@example.", "a@.org", "a,b@c.org", "a@c.org\n<x>"}) {
    v1::Participant p = ValidParticipant();
    p.set_email(email);
    EXPECT_THAT(NormalizeParticipant(p),
                StatusIs(absl::StatusCode::kInvalidArgument, StartsWith("email")))
        << email;
  }
}

TEST(NormalizeParticipantTest, GoodEmailsAccepted) {
  for (const char* email : {"a@b.co", "first.last+tag@sub.example.org", "  X@Y.ORG  "}) {
    v1::Participant p = ValidParticipant();
    p.set_email(email);
    EXPECT_THAT(NormalizeParticipant(p), IsOk()) << email;
  }
  v1::Participant p = ValidParticipant();
  p.set_email("  X@Y.ORG  ");
  ASSERT_THAT(NormalizeParticipant(p), IsOk());
  EXPECT_EQ(p.email(), "X@Y.ORG");  // trimmed, case kept
}

TEST(NormalizeParticipantTest, CountryNamesBecomeCodes) {
  v1::Participant p = ValidParticipant();
  p.set_country("Viet Nam");
  ASSERT_THAT(NormalizeParticipant(p), IsOk());
  EXPECT_EQ(p.country(), "VN");

  p.set_country("Lao PDR");
  ASSERT_THAT(NormalizeParticipant(p), IsOk());
  EXPECT_EQ(p.country(), "LA");

  p.set_country(" kz ");
  ASSERT_THAT(NormalizeParticipant(p), IsOk());
  EXPECT_EQ(p.country(), "KZ");

  p.set_country("Atlantis");
  EXPECT_THAT(NormalizeParticipant(p),
              StatusIs(absl::StatusCode::kInvalidArgument, StartsWith("country")));
}

TEST(NormalizeParticipantTest, RoleDefaultsToParticipant) {
  v1::Participant p = ValidParticipant();
  ASSERT_THAT(NormalizeParticipant(p), IsOk());
  EXPECT_EQ(p.role(), v1::ROLE_PARTICIPANT);

  p.set_role(v1::ROLE_SPEAKER);
  ASSERT_THAT(NormalizeParticipant(p), IsOk());
  EXPECT_EQ(p.role(), v1::ROLE_SPEAKER);
}

TEST(NormalizeParticipantTest, NameWithNewlineRejected) {
  v1::Participant p = ValidParticipant();
  p.set_name("Aigerim\nNurlanovna");
  EXPECT_THAT(NormalizeParticipant(p),
              StatusIs(absl::StatusCode::kInvalidArgument, StartsWith("name")));
}

TEST(NormalizeParticipantTest, TrimsText) {
  v1::Participant p = ValidParticipant();
  p.set_name("  Nguyễn Thị Hoa ");
  p.set_organization(" Towards Transparency ");
  ASSERT_THAT(NormalizeParticipant(p), IsOk());
  EXPECT_EQ(p.name(), "Nguyễn Thị Hoa");
  EXPECT_EQ(p.organization(), "Towards Transparency");
}

TEST(NormalizeParticipantTest, InvalidEnumValuesRejected) {
  v1::Participant p = ValidParticipant();
  p.set_sector(static_cast<v1::Sector>(99));
  EXPECT_THAT(NormalizeParticipant(p),
              StatusIs(absl::StatusCode::kInvalidArgument, StartsWith("sector")));
  p = ValidParticipant();
  p.set_gender(static_cast<v1::Gender>(99));
  EXPECT_THAT(NormalizeParticipant(p),
              StatusIs(absl::StatusCode::kInvalidArgument, StartsWith("gender")));
}

TEST(EmailKeyTest, IgnoresCase) {
  EXPECT_EQ(EmailKey("A@X.org"), "a@x.org");
  EXPECT_EQ(EmailKey("A@X.org"), EmailKey("a@x.ORG"));
  EXPECT_NE(EmailKey("a@x.org"), EmailKey("b@x.org"));
}

// --- Enum parsing ------------------------------------------------------------

TEST(ParseSectorTest, AcceptedForms) {
  for (const char* text : {"civil-society", "Civil society", "CSO", "SECTOR_CIVIL_SOCIETY", "ngo",
                           " civil_society "}) {
    auto sector = ParseSector(text);
    ASSERT_THAT(sector, IsOk()) << text;
    EXPECT_EQ(*sector, v1::SECTOR_CIVIL_SOCIETY) << text;
  }
  auto body = ParseSector("anti-corruption body");
  ASSERT_THAT(body, IsOk());
  EXPECT_EQ(*body, v1::SECTOR_ANTI_CORRUPTION_BODY);
  auto government = ParseSector("Government");
  ASSERT_THAT(government, IsOk());
  EXPECT_EQ(*government, v1::SECTOR_GOVERNMENT);
}

TEST(ParseSectorTest, EmptyIsUnspecified) {
  auto sector = ParseSector("");
  ASSERT_THAT(sector, IsOk());
  EXPECT_EQ(*sector, v1::SECTOR_UNSPECIFIED);
  sector = ParseSector("   ");
  ASSERT_THAT(sector, IsOk());
  EXPECT_EQ(*sector, v1::SECTOR_UNSPECIFIED);
}

TEST(ParseSectorTest, UnknownListsAcceptedValues) {
  EXPECT_THAT(ParseSector("astronaut"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(StartsWith("sector"), HasSubstr("astronaut"),
                             HasSubstr("civil-society"), HasSubstr("anti-corruption-body"))));
  // "unspecified" is not a value a spreadsheet may choose.
  EXPECT_THAT(ParseSector("SECTOR_UNSPECIFIED"),
              StatusIs(absl::StatusCode::kInvalidArgument, StartsWith("sector")));
}

TEST(ParseGenderTest, AcceptedForms) {
  for (const char* text : {"F", "f", "female", "Woman", "GENDER_FEMALE"}) {
    auto gender = ParseGender(text);
    ASSERT_THAT(gender, IsOk()) << text;
    EXPECT_EQ(*gender, v1::GENDER_FEMALE) << text;
  }
  auto male = ParseGender("M");
  ASSERT_THAT(male, IsOk());
  EXPECT_EQ(*male, v1::GENDER_MALE);
  auto undisclosed = ParseGender("prefer not to say");
  ASSERT_THAT(undisclosed, IsOk());
  EXPECT_EQ(*undisclosed, v1::GENDER_UNDISCLOSED);
  auto empty = ParseGender("");
  ASSERT_THAT(empty, IsOk());
  EXPECT_EQ(*empty, v1::GENDER_UNSPECIFIED);
  EXPECT_THAT(ParseGender("astronaut"), StatusIs(absl::StatusCode::kInvalidArgument,
                                                 AllOf(StartsWith("gender"), HasSubstr("female"))));
}

TEST(ParseRoleTest, AcceptedForms) {
  for (const char* text : {"panellist", "Panelist", "speaker", "ROLE_SPEAKER"}) {
    auto role = ParseRole(text);
    ASSERT_THAT(role, IsOk()) << text;
    EXPECT_EQ(*role, v1::ROLE_SPEAKER) << text;
  }
  auto organiser = ParseRole("organizer");
  ASSERT_THAT(organiser, IsOk());
  EXPECT_EQ(*organiser, v1::ROLE_ORGANISER);
  auto empty = ParseRole("");
  ASSERT_THAT(empty, IsOk());
  EXPECT_EQ(*empty, v1::ROLE_UNSPECIFIED);
  EXPECT_THAT(ParseRole("astronaut"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(StartsWith("role"), HasSubstr("participant"), HasSubstr("speaker"))));
}

TEST(ParseAttendanceModeTest, AcceptedForms) {
  auto online = ParseAttendanceMode("virtual");
  ASSERT_THAT(online, IsOk());
  EXPECT_EQ(*online, v1::ATTENDANCE_MODE_ONLINE);
  auto in_person = ParseAttendanceMode("In-person");
  ASSERT_THAT(in_person, IsOk());
  EXPECT_EQ(*in_person, v1::ATTENDANCE_MODE_IN_PERSON);
  EXPECT_THAT(ParseAttendanceMode("astronaut"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(StartsWith("attendance_mode"), HasSubstr("online"))));
}

// Every named value of each enum parses from its own display form and proto
// name.
TEST(ParseEnumTest, EveryValueRoundTrips) {
  for (int i = 1; i < v1::Sector_descriptor()->value_count(); ++i) {
    const auto* value = v1::Sector_descriptor()->value(i);
    auto parsed = ParseSector(value->name());
    ASSERT_THAT(parsed, IsOk()) << value->name();
    EXPECT_EQ(*parsed, value->number()) << value->name();
  }
  for (int i = 1; i < v1::Role_descriptor()->value_count(); ++i) {
    const auto* value = v1::Role_descriptor()->value(i);
    auto parsed = ParseRole(value->name());
    ASSERT_THAT(parsed, IsOk()) << value->name();
    EXPECT_EQ(*parsed, value->number()) << value->name();
  }
  for (int i = 1; i < v1::Gender_descriptor()->value_count(); ++i) {
    const auto* value = v1::Gender_descriptor()->value(i);
    auto parsed = ParseGender(value->name());
    ASSERT_THAT(parsed, IsOk()) << value->name();
    EXPECT_EQ(*parsed, value->number()) << value->name();
  }
}

// --- Import ------------------------------------------------------------------

TEST(ImportLayoutTest, HeaderWithSpacesAndExtraColumns) {
  auto layout =
      ImportLayout::FromHeader({"Name", " Email ", "Country", "Organisation", "extra col"});
  ASSERT_THAT(layout, IsOk());
  EXPECT_EQ(layout->column_count(), 5u);
}

TEST(ImportLayoutTest, MissingRequiredColumn) {
  EXPECT_THAT(ImportLayout::FromHeader({"Name", "Country", "Organisation"}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(StartsWith("header"), HasSubstr("email"))));
  EXPECT_THAT(
      ImportLayout::FromHeader({"Email", "Country"}),
      StatusIs(absl::StatusCode::kInvalidArgument, AllOf(StartsWith("header"), HasSubstr("name"))));
  EXPECT_THAT(ImportLayout::FromHeader({"Name", "Email"}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(StartsWith("header"), HasSubstr("country"))));
}

TEST(ImportLayoutTest, RepeatedColumnRejected) {
  EXPECT_THAT(ImportLayout::FromHeader({"name", "email", "country", "email"}),
              StatusIs(absl::StatusCode::kInvalidArgument, StartsWith("header")));
  // The same column under two spellings.
  EXPECT_THAT(
      ImportLayout::FromHeader({"name", "email", "country", "Organisation", "organization"}),
      StatusIs(absl::StatusCode::kInvalidArgument, StartsWith("header")));
  EXPECT_THAT(
      ImportLayout::FromHeader({"name", "email", "country", "nominated by", "Nominated-By"}),
      StatusIs(absl::StatusCode::kInvalidArgument, StartsWith("header")));
}

TEST(ImportLayoutTest, BlankColumnNameRejected) {
  EXPECT_THAT(ImportLayout::FromHeader({"name", "email", "country", "  "}),
              StatusIs(absl::StatusCode::kInvalidArgument, StartsWith("header")));
}

v1::ImportRow Row(int line, std::vector<std::string> cells) {
  v1::ImportRow row;
  row.set_line(line);
  for (std::string& cell : cells) row.add_cells(std::move(cell));
  return row;
}

TEST(ImportLayoutTest, ParsesGoodRow) {
  auto layout = ImportLayout::FromHeader(
      {"Name", " Email ", "Country", "Organisation", "Sector", "Gender", "Role", "extra col"});
  ASSERT_THAT(layout, IsOk());
  v1::Participant p;
  EXPECT_THAT(layout->ParseRow(Row(2, {"Nguyễn Thị Hoa", " hoa@example.org ", "Viet Nam",
                                       "Towards Transparency", "CSO", "F", "panellist", " Hanoi "}),
                               p),
              IsEmpty());
  EXPECT_EQ(p.name(), "Nguyễn Thị Hoa");
  EXPECT_EQ(p.email(), "hoa@example.org");
  EXPECT_EQ(p.country(), "VN");
  EXPECT_EQ(p.organization(), "Towards Transparency");
  EXPECT_EQ(p.sector(), v1::SECTOR_CIVIL_SOCIETY);
  EXPECT_EQ(p.gender(), v1::GENDER_FEMALE);
  EXPECT_EQ(p.role(), v1::ROLE_SPEAKER);
  EXPECT_THAT(p.attributes(), UnorderedElementsAre(Pair("extra_col", "Hanoi")));
}

TEST(ImportLayoutTest, RoleDefaultsAndEmptyExtraCellsOmitted) {
  auto layout = ImportLayout::FromHeader({"name", "email", "country", "extra col"});
  ASSERT_THAT(layout, IsOk());
  v1::Participant p;
  EXPECT_THAT(layout->ParseRow(Row(3, {"Somchai", "s@example.org", "TH", " "}), p), IsEmpty());
  EXPECT_EQ(p.role(), v1::ROLE_PARTICIPANT);
  EXPECT_THAT(p.attributes(), IsEmpty());
}

TEST(ImportLayoutTest, ReportsEveryBadFieldOfARow) {
  auto layout = ImportLayout::FromHeader({"name", "email", "country", "sector", "organisation"});
  ASSERT_THAT(layout, IsOk());
  v1::Participant p;
  std::vector<v1::RowError> errors =
      layout->ParseRow(Row(9, {"Batbayar", "not-an-email", "", "astronaut", "Org"}), p);
  EXPECT_THAT(errors, UnorderedElementsAre(Property(&v1::RowError::field, "email"),
                                           Property(&v1::RowError::field, "sector"),
                                           Property(&v1::RowError::field, "country")));
  for (const v1::RowError& error : errors) {
    EXPECT_EQ(error.line(), 9) << error.field();
    EXPECT_THAT(error.reason(), Not(IsEmpty())) << error.field();
    EXPECT_THAT(error.reason(), Not(StartsWith(error.field() + ":")));
  }
}

TEST(ImportLayoutTest, ReportsBadNameAndUnknownCountry) {
  auto layout = ImportLayout::FromHeader({"name", "email", "country"});
  ASSERT_THAT(layout, IsOk());
  v1::Participant p;
  std::vector<v1::RowError> errors =
      layout->ParseRow(Row(4, {"", "ok@example.org", "Atlantis"}), p);
  EXPECT_THAT(errors, UnorderedElementsAre(Property(&v1::RowError::field, "name"),
                                           Property(&v1::RowError::field, "country")));
}

TEST(ImportLayoutTest, WrongCellCountReportedOnce) {
  auto layout = ImportLayout::FromHeader({"name", "email", "country"});
  ASSERT_THAT(layout, IsOk());
  v1::Participant p;
  std::vector<v1::RowError> errors = layout->ParseRow(Row(12, {"Only", "two"}), p);
  ASSERT_THAT(errors, SizeIs(1));
  EXPECT_EQ(errors[0].line(), 12);
  EXPECT_THAT(errors[0].reason(), HasSubstr("2"));

  errors = layout->ParseRow(Row(13, {"a", "b@c.org", "MY", "extra"}), p);
  ASSERT_THAT(errors, SizeIs(1));
  EXPECT_EQ(errors[0].line(), 13);
}

// --- Limits (services/common/limits.h) --------------------------------------

std::string Repeat(absl::string_view unit, size_t times) {
  std::string out;
  for (size_t i = 0; i < times; ++i) out.append(unit.data(), unit.size());
  return out;
}

TEST(LimitsTest, EventTextAndListsNameTheFieldAndTheLimit) {
  struct Case {
    std::string* (v1::Event::*text)();
    const char* field;
  };
  for (const Case& c :
       {Case{&v1::Event::mutable_title, "title"}, Case{&v1::Event::mutable_theme, "theme"},
        Case{&v1::Event::mutable_venue, "venue"}, Case{&v1::Event::mutable_city, "city"}}) {
    v1::Event event = ValidEvent();
    // Characters, not bytes: 1000 Vietnamese letters (3000 bytes) fit.
    *(event.*c.text)() = Repeat("ễ", kMaxLineLength);
    EXPECT_THAT(NormalizeEvent(event), IsOk()) << c.field;
    event = ValidEvent();
    *(event.*c.text)() = Repeat("ễ", kMaxLineLength + 1);
    EXPECT_THAT(NormalizeEvent(event),
                StatusIs(absl::StatusCode::kInvalidArgument,
                         StartsWith(std::string(c.field) + ": 1001 characters, at most 1000")));
  }
  v1::Event event = ValidEvent();
  for (int i = 0; i <= kMaxListItems; ++i) event.add_funders("Funder " + std::to_string(i));
  EXPECT_THAT(NormalizeEvent(event), StatusIs(absl::StatusCode::kInvalidArgument,
                                              StartsWith("funders: 51 items, at most 50")));
  event = ValidEvent();
  event.set_time_zone(std::string(kMaxKeyLength + 1, 'Z'));
  EXPECT_THAT(NormalizeEvent(event), StatusIs(absl::StatusCode::kInvalidArgument,
                                              StartsWith("time_zone: 101 characters")));
}

TEST(LimitsTest, ParticipantTextNamesTheFieldAndTheLimit) {
  struct Case {
    std::string* (v1::Participant::*text)();
    const char* field;
    size_t limit;
  };
  for (const Case& c :
       {Case{&v1::Participant::mutable_name, "name", kMaxLineLength},
        Case{&v1::Participant::mutable_organization, "organization", kMaxLineLength},
        Case{&v1::Participant::mutable_nominated_by, "nominated_by", kMaxLineLength},
        Case{&v1::Participant::mutable_country, "country", kMaxLineLength}}) {
    v1::Participant p = ValidParticipant();
    *(p.*c.text)() = Repeat("ễ", c.limit + 1);
    EXPECT_THAT(NormalizeParticipant(p),
                StatusIs(absl::StatusCode::kInvalidArgument,
                         StartsWith(std::string(c.field) + ": 1001 characters, at most 1000")));
  }
  v1::Participant p = ValidParticipant();
  p.set_email(std::string(kMaxEmailLength - 12, 'a') + "@example.org");
  EXPECT_THAT(NormalizeParticipant(p), IsOk());
  p.set_email("a" + p.email());
  EXPECT_THAT(NormalizeParticipant(p), StatusIs(absl::StatusCode::kInvalidArgument,
                                                StartsWith("email: 255 characters, at most 254")));
}

TEST(LimitsTest, AttributesAreCountedAndBounded) {
  v1::Participant p = ValidParticipant();
  for (int i = 0; i < kMaxListItems; ++i) {
    (*p.mutable_attributes())["attribute_" + std::to_string(i)] = "value";
  }
  EXPECT_THAT(NormalizeParticipant(p), IsOk());
  (*p.mutable_attributes())["one_more"] = "value";
  EXPECT_THAT(NormalizeParticipant(p),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       StartsWith("attributes: 51 attributes, at most 50")));
  p = ValidParticipant();
  (*p.mutable_attributes())[std::string(kMaxKeyLength + 1, 'k')] = "value";
  EXPECT_THAT(NormalizeParticipant(p), StatusIs(absl::StatusCode::kInvalidArgument,
                                                StartsWith("attributes: 101 characters")));
  p = ValidParticipant();
  (*p.mutable_attributes())["region"] = Repeat("ễ", kMaxLineLength + 1);
  EXPECT_THAT(NormalizeParticipant(p),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       StartsWith("attributes.region: 1001 characters, at most 1000")));
}

TEST(LimitsTest, ImportHeaderAndCells) {
  std::vector<std::string> header = {"name", "email", "country", "sector"};
  for (int i = 0; i < kMaxListItems; ++i) header.push_back("extra " + std::to_string(i));
  EXPECT_THAT(ImportLayout::FromHeader(header), IsOk());
  header.push_back("one more");
  EXPECT_THAT(ImportLayout::FromHeader(header),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       StartsWith("header: 51 columns beyond the known ones, at most 50")));
  EXPECT_THAT(ImportLayout::FromHeader({"name", "email", "country", std::string(101, 'c')}),
              StatusIs(absl::StatusCode::kInvalidArgument, StartsWith("header: 101 characters")));
  // A cell over its field's limit is a row error naming the field, like any other bad cell.
  auto layout = ImportLayout::FromHeader({"name", "email", "country"});
  ASSERT_THAT(layout, IsOk());
  v1::Participant p;
  std::vector<v1::RowError> errors =
      layout->ParseRow(Row(7, {Repeat("ễ", kMaxLineLength + 1), "ok@example.org", "MY"}), p);
  ASSERT_THAT(errors, SizeIs(1));
  EXPECT_EQ(errors[0].field(), "name");
  EXPECT_EQ(errors[0].reason(), "1001 characters, at most 1000");
}

// --- Check-in ----------------------------------------------------------------

v1::Event TwoDayEvent() {
  v1::Event event = ValidEvent();
  event.set_start_date("2024-10-01");
  event.set_end_date("2024-10-02");
  return event;
}

TEST(CheckInDayTest, ExplicitDay) {
  const v1::Event event = TwoDayEvent();
  const absl::CivilDay today(2024, 9, 1);  // ignored when a day is given
  auto day = CheckInDay(event, "2024-10-02", today);
  ASSERT_THAT(day, IsOk());
  EXPECT_EQ(*day, "2024-10-02");
  day = CheckInDay(event, "2024-10-01", today);
  ASSERT_THAT(day, IsOk());
  EXPECT_EQ(*day, "2024-10-01");
  for (const char* outside : {"2024-09-30", "2024-10-03", "2025-10-01"}) {
    EXPECT_THAT(CheckInDay(event, outside, today),
                StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("day")))
        << outside;
  }
  EXPECT_THAT(CheckInDay(event, "2024-10-1", today),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("day")));
  EXPECT_THAT(CheckInDay(event, "tomorrow", today),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("day")));
}

TEST(CheckInDayTest, EmptyDayMeansToday) {
  const v1::Event event = TwoDayEvent();
  auto day = CheckInDay(event, "", absl::CivilDay(2024, 10, 2));
  ASSERT_THAT(day, IsOk());
  EXPECT_EQ(*day, "2024-10-02");
  EXPECT_THAT(CheckInDay(event, "", absl::CivilDay(2024, 10, 3)),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("day")));
  EXPECT_THAT(CheckInDay(event, "", absl::CivilDay(2024, 9, 30)),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("day")));
}

TEST(EventDaysTest, ListsEveryDay) {
  EXPECT_THAT(EventDays(TwoDayEvent()), ElementsAre("2024-10-01", "2024-10-02"));
  v1::Event event = ValidEvent();
  event.set_start_date("2024-02-28");
  event.set_end_date("2024-03-01");
  EXPECT_THAT(EventDays(event), ElementsAre("2024-02-28", "2024-02-29", "2024-03-01"));
  event.set_end_date("2024-02-28");
  EXPECT_THAT(EventDays(event), ElementsAre("2024-02-28"));
}

}  // namespace
}  // namespace convene::registration
