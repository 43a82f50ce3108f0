// End-to-end: `convene agenda` against real registration and agenda services
// on loopback, the way an organiser builds a two-day workshop programme (the
// ASEAN-PAC workshop in Jakarta, 30-31 May 2023): panels with a chair and
// three or four speakers, a double-booked speaker refused, the programme
// shown, exported and read in another time zone.

#include <signal.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/common/testing/process.h"

namespace convene {
namespace {

using ::convene::testing::BinaryPath;
using ::convene::testing::CommandResult;
using ::convene::testing::MakeTempDir;
using ::convene::testing::RunCommand;
using ::convene::testing::ServiceProcess;
using ::testing::AllOf;
using ::testing::AnyOf;
using ::testing::ContainsRegex;
using ::testing::HasSubstr;
using ::testing::MatchesRegex;
using ::testing::Not;

constexpr int kOk = 0;
constexpr int kFailure = 1;
constexpr int kUsage = 2;

constexpr char kZone[] = "Asia/Jakarta";
constexpr char kDay1[] = "2023-05-30";
constexpr char kDay2[] = "2023-05-31";
constexpr char kHall[] = "Plenary Hall";

std::vector<std::string> Lines(const std::string& text) {
  return absl::StrSplit(text, '\n', absl::SkipEmpty());
}

int Count(const std::string& text, const std::string& needle) {
  int count = 0;
  for (size_t at = text.find(needle); at != std::string::npos;
       at = text.find(needle, at + needle.size())) {
    ++count;
  }
  return count;
}

std::string ReadFile(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  std::ostringstream text;
  text << file.rdbuf();
  return text.str();
}

// "HH:MM" of `local` ("YYYY-MM-DDTHH:MM" in `from`) as the zone database
// reads it in `to`.
std::string ClockIn(const std::string& local, const std::string& from, const std::string& to) {
  absl::TimeZone from_zone, to_zone;
  EXPECT_TRUE(absl::LoadTimeZone(from, &from_zone)) << from;
  EXPECT_TRUE(absl::LoadTimeZone(to, &to_zone)) << to;
  absl::Time instant;
  std::string error;
  EXPECT_TRUE(absl::ParseTime("%Y-%m-%dT%H:%M", local, from_zone, &instant, &error)) << error;
  return absl::FormatTime("%H:%M", instant, to_zone);
}

// The speakers and chairs of the workshop, as registered.
struct Person {
  std::string name;
  std::string email;
  std::string country;
  std::string organization;
};

const std::vector<Person>& People() {
  static const auto* people = new std::vector<Person>{
      {"Dewi Lestari", "dewi@example.id", "ID", "Corruption Eradication Commission (KPK)"},
      {"Sokha Chan", "sokha@example.kh", "KH", "Anti-Corruption Unit"},
      {"Budi Santoso", "budi@example.id", "ID", "Ministry of Education"},
      {"Nurul Aini binti Hassan", "nurul@example.my", "MY", "Malaysian Anti-Corruption Commission"},
      {"Pimchanok Srisuk", "pim@example.th", "TH", "National Anti-Corruption Commission"},
      {"Nguyễn Thị Hoa", "hoa@example.vn", "Viet Nam", "Government Inspectorate"},
      {"Souksavanh Phommachanh", "souk@example.la", "Lao PDR", "State Inspection Authority"},
      {"Maria Santos", "maria@example.ph", "PH", "Office of the Ombudsman"},
      {"Tan Wei Ling", "tan@example.sg", "SG", "Corrupt Practices Investigation Bureau"},
      {"Anna Kowalska", "anna@example.org", "AT", "UNODC"},
  };
  return *people;
}

class AgendaCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = MakeTempDir("agenda-cli");
    auto registration = ServiceProcess::Start("convene-registration", dir_ + "/registration");
    ASSERT_TRUE(registration.ok()) << registration.status();
    registration_ = std::make_unique<ServiceProcess>(*std::move(registration));
    auto agenda = ServiceProcess::Start("convene-agenda", dir_ + "/agenda",
                                        {"--registration_addr=" + registration_->address()});
    ASSERT_TRUE(agenda.ok()) << agenda.status();
    agenda_ = std::make_unique<ServiceProcess>(*std::move(agenda));
  }

  CommandResult Convene(std::vector<std::string> args) {
    args.insert(args.begin(), BinaryPath("convene"));
    return RunCommand(args, {"CONVENE_REGISTRATION_ADDR=" + registration_->address(),
                             "CONVENE_AGENDA_ADDR=" + agenda_->address()});
  }

  // The output of a command that must succeed, without its last newline.
  std::string Ok(std::vector<std::string> args) {
    CommandResult r = Convene(args);
    EXPECT_EQ(r.exit_code, kOk) << absl::StrJoin(args, " ") << "\n" << r.err;
    return std::string(absl::StripSuffix(r.out, "\n"));
  }

  // The Jakarta workshop's event and the people of its panels; ids by name.
  void CreateEventAndPeople() {
    event_ = Ok({"event", "create", "--title", "ASEAN-PAC Capacity Building Workshop", "--city",
                 "Jakarta", "--country", "Indonesia", "--timezone", kZone, "--start", kDay1,
                 "--end", kDay2});
    ASSERT_THAT(event_, MatchesRegex("evt_[a-z0-9]+"));
    for (const Person& p : People()) {
      std::string added =
          Ok({"participant", "add", "--event", event_, "--name", p.name, "--email", p.email,
              "--country", p.country, "--organization", p.organization, "--role", "speaker"});
      ASSERT_THAT(added, MatchesRegex("par_[a-z0-9]+ confirmed"));
      ids_[p.name] = added.substr(0, added.find(' '));
    }
  }

  std::string Id(const std::string& name) { return ids_.at(name); }

  // `agenda add` for the event; `extra` are further flags.
  CommandResult AddSession(const std::string& title, const std::string& kind,
                           const std::string& start, const std::string& end,
                           std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"agenda", "add", "--event", event_, "--title", title,
                                     "--kind", kind,  "--start", start,  "--end",   end};
    args.insert(args.end(), extra.begin(), extra.end());
    return Convene(args);
  }

  // Adds a session that must be accepted and returns its id.
  std::string MustAdd(const std::string& title, const std::string& kind, const std::string& start,
                      const std::string& end, std::vector<std::string> extra = {}) {
    CommandResult r = AddSession(title, kind, start, end, extra);
    EXPECT_EQ(r.exit_code, kOk) << title << "\n" << r.err;
    EXPECT_THAT(r.out, MatchesRegex("ses_[a-z0-9]+\n")) << title;
    return std::string(absl::StripSuffix(r.out, "\n"));
  }

  // Two days, seven sessions and a break, as the Jakarta workshop had them.
  void AddProgramme() {
    const std::string d1 = kDay1, d2 = kDay2;
    opening_ = MustAdd("Opening and welcome remarks", "opening", d1 + "T09:00", d1 + "T09:30",
                       {"--room", kHall, "--chair", Id("Sokha Chan"), "--speaker",
                        Id("Dewi Lestari"), "--speaker", Id("Anna Kowalska")});
    panel1_ = MustAdd(
        "Increasing Public Participation in Anti-Corruption Efforts through Digital Technologies",
        "panel", d1 + "T09:30", d1 + "T11:00",
        {"--room", kHall, "--chair", Id("Dewi Lestari"), "--speaker", Id("Pimchanok Srisuk"),
         "--speaker", Id("Nguyễn Thị Hoa"), "--speaker", Id("Maria Santos"), "--speaker",
         Id("Tan Wei Ling"), "--topic", "public participation", "--topic", "digital tools"});
    MustAdd("Coffee break", "break", d1 + "T11:00", d1 + "T11:15", {"--room", kHall});
    panel2_ = MustAdd(
        "Anti-Corruption Ecosystem in the Education Sector", "panel", d1 + "T11:15", d1 + "T12:45",
        {"--room", kHall, "--chair", Id("Budi Santoso"), "--speaker", Id("Souksavanh Phommachanh"),
         "--speaker", Id("Nurul Aini binti Hassan"), "--speaker", Id("Sokha Chan")});
    MustAdd("Framework for Anti-Corruption Education", "panel", d1 + "T14:00", d1 + "T15:30",
            {"--room", kHall, "--chair", Id("Anna Kowalska"), "--speaker", Id("Budi Santoso"),
             "--speaker", Id("Maria Santos"), "--speaker", Id("Dewi Lestari")});
    MustAdd("National Frameworks for Transparency and Accountability of Public Service", "panel",
            d2 + "T09:00", d2 + "T10:30",
            {"--room", kHall, "--chair", Id("Nurul Aini binti Hassan"), "--speaker",
             Id("Tan Wei Ling"), "--speaker", Id("Pimchanok Srisuk"), "--speaker",
             Id("Souksavanh Phommachanh"), "--speaker", Id("Nguyễn Thị Hoa")});
    MustAdd("Public Sector Integrity Measurement", "presentation", d2 + "T10:45", d2 + "T12:00",
            {"--room", kHall, "--speaker", Id("Anna Kowalska")});
    closing_ =
        MustAdd("Conclusions and next steps for ASEAN-PAC", "closing", d2 + "T15:00", d2 + "T15:30",
                {"--room", kHall, "--chair", Id("Sokha Chan"), "--speaker", Id("Budi Santoso")});
  }
  static constexpr int kProgrammeSessions = 8;  // seven sessions and the coffee break

  std::string dir_;
  std::unique_ptr<ServiceProcess> registration_;
  std::unique_ptr<ServiceProcess> agenda_;
  std::string event_;
  std::map<std::string, std::string> ids_;
  std::string opening_, panel1_, panel2_, closing_;
};

TEST_F(AgendaCliTest, ProgrammeShowsEveryPanelistAndTheChair) {
  ASSERT_NO_FATAL_FAILURE(CreateEventAndPeople());
  ASSERT_NO_FATAL_FAILURE(AddProgramme());

  CommandResult table = Convene({"agenda", "show", "--event", event_});
  ASSERT_EQ(table.exit_code, kOk) << table.err;
  EXPECT_THAT(table.out,
              AllOf(HasSubstr(kZone), HasSubstr(kDay1), HasSubstr(kDay2), HasSubstr("09:30–11:00"),
                    HasSubstr("Coffee break"), HasSubstr("break"), HasSubstr(kHall)));
  // All four panelists of the first panel and its chair, not just the first.
  for (const char* name : {"Dewi Lestari", "Pimchanok Srisuk", "Nguyễn Thị Hoa", "Maria Santos",
                           "Tan Wei Ling", "Souksavanh Phommachanh", "Nurul Aini binti Hassan"}) {
    EXPECT_THAT(table.out, HasSubstr(name));
  }
  // Readable in an 80-column terminal (the output is piped, so 80).
  for (const std::string& line : Lines(table.out)) {
    int width = 0;
    for (char c : line) width += (c & 0xC0) != 0x80;
    EXPECT_LE(width, 80) << line;
  }

  CommandResult csv = Convene({"agenda", "show", "--event", event_, "--output", "csv"});
  ASSERT_EQ(csv.exit_code, kOk) << csv.err;
  EXPECT_EQ(Lines(csv.out).size(), 1u + kProgrammeSessions) << csv.out;
  EXPECT_THAT(csv.out, AllOf(HasSubstr(panel1_), HasSubstr("Pimchanok Srisuk; Nguyễn Thị Hoa")));

  CommandResult json = Convene({"agenda", "show", "--event", event_, "--output", "json"});
  ASSERT_EQ(json.exit_code, kOk) << json.err;
  EXPECT_EQ(Count(json.out, "\"eventId\""), kProgrammeSessions);
  EXPECT_THAT(json.out, HasSubstr("\"kind\": \"SESSION_KIND_PANEL\""));

  // One day only.
  CommandResult day2 = Convene({"agenda", "show", "--event", event_, "--day", kDay2});
  ASSERT_EQ(day2.exit_code, kOk) << day2.err;
  EXPECT_THAT(day2.out,
              AllOf(HasSubstr("Public Sector Integrity"), Not(HasSubstr("Coffee break"))));

  // One session in full: people with their organisations.
  CommandResult one = Convene({"agenda", "show", panel1_});
  ASSERT_EQ(one.exit_code, kOk) << one.err;
  EXPECT_THAT(one.out,
              AllOf(ContainsRegex("kind +panel"), ContainsRegex("room +Plenary Hall"),
                    ContainsRegex("chair +Dewi Lestari, Corruption Eradication Commission"),
                    HasSubstr("Tan Wei Ling, Corrupt Practices Investigation Bureau"),
                    ContainsRegex("topics +public participation; digital tools")));
}

TEST_F(AgendaCliTest, ClashesAreRefusedAndBackToBackIsAllowed) {
  ASSERT_NO_FATAL_FAILURE(CreateEventAndPeople());
  ASSERT_NO_FATAL_FAILURE(AddProgramme());
  const std::string d1 = kDay1;

  // Maria Santos is on the 09:30-11:00 panel; a side session at 10:00 cannot
  // have her too.
  CommandResult double_booked =
      AddSession("Side meeting on digital tools", "presentation", d1 + "T10:00", d1 + "T10:45",
                 {"--room", "Room B", "--speaker", Id("Maria Santos")});
  EXPECT_EQ(double_booked.exit_code, kFailure) << double_booked.out;
  EXPECT_THAT(double_booked.err,
              AllOf(MatchesRegex("error: [^\n]+\n"),
                    AnyOf(HasSubstr("Maria Santos"), HasSubstr(Id("Maria Santos")))));
  EXPECT_EQ(double_booked.out, "");

  // The same as chair is a clash too.
  CommandResult chair_clash = AddSession("Side meeting", "roundtable", d1 + "T10:30", d1 + "T11:30",
                                         {"--room", "Room B", "--chair", Id("Dewi Lestari")});
  EXPECT_EQ(chair_clash.exit_code, kFailure);
  EXPECT_THAT(chair_clash.err, AnyOf(HasSubstr("Dewi Lestari"), HasSubstr(Id("Dewi Lestari"))));

  // Starting when her panel ends is fine: intervals are half-open.
  MustAdd("Digital tools clinic", "presentation", d1 + "T11:00", d1 + "T11:30",
          {"--room", "Room B", "--speaker", Id("Maria Santos")});

  // The hall is taken by the panel until 11:00.
  CommandResult room_clash =
      AddSession("Press briefing", "presentation", d1 + "T10:00", d1 + "T10:30", {"--room", kHall});
  EXPECT_EQ(room_clash.exit_code, kFailure);
  EXPECT_THAT(room_clash.err, HasSubstr(kHall));

  // ... but a break does not hold the room.
  MustAdd("Coffee served in the hall", "break", d1 + "T10:00", d1 + "T10:30", {"--room", kHall});

  // Moving a session onto a busy speaker is refused the same way.
  // The closing's chair and speaker are both on the 11:15 panel.
  CommandResult moved =
      Convene({"agenda", "update", closing_, "--start", d1 + "T11:30", "--end", d1 + "T12:00"});
  EXPECT_EQ(moved.exit_code, kFailure) << moved.out;
  EXPECT_THAT(moved.err, AnyOf(HasSubstr("Budi Santoso"), HasSubstr(Id("Budi Santoso")),
                               HasSubstr("Sokha Chan"), HasSubstr(Id("Sokha Chan"))));
}

TEST_F(AgendaCliTest, UpdateRemoveAndRooms) {
  ASSERT_NO_FATAL_FAILURE(CreateEventAndPeople());
  ASSERT_NO_FATAL_FAILURE(AddProgramme());

  CommandResult nothing = Convene({"agenda", "update", panel2_});
  EXPECT_EQ(nothing.exit_code, kUsage);
  EXPECT_THAT(nothing.err, HasSubstr("at least one field"));

  CommandResult updated =
      Convene({"agenda", "update", panel2_, "--title", "Education for integrity"});
  ASSERT_EQ(updated.exit_code, kOk) << updated.err;
  EXPECT_THAT(updated.out,
              AllOf(ContainsRegex("title +Education for integrity"),
                    ContainsRegex("room +Plenary Hall"), ContainsRegex("revision +1")));

  // A room seating 20 for a plenary expecting 30: added, with a warning.
  EXPECT_EQ(Ok({"agenda", "room", "--event", event_, "--name", "Small room", "--capacity", "20"}),
            "room Small room: 20 seats");
  CommandResult overfull = AddSession("Plenary on procurement", "plenary",
                                      std::string(kDay2) + "T13:00", std::string(kDay2) + "T14:30",
                                      {"--room", "Small room", "--expected-audience", "30"});
  ASSERT_EQ(overfull.exit_code, kOk) << overfull.err;
  EXPECT_THAT(overfull.err, MatchesRegex("warning: [^\n]*\n(warning: [^\n]*\n)*"));
  EXPECT_THAT(overfull.err, HasSubstr("20"));
  CommandResult rooms = Convene({"agenda", "rooms", "--event", event_});
  ASSERT_EQ(rooms.exit_code, kOk) << rooms.err;
  EXPECT_THAT(rooms.out, ContainsRegex("Small room +20"));

  EXPECT_EQ(Ok({"agenda", "remove", opening_}), "removed " + opening_);
  CommandResult gone = Convene({"agenda", "show", opening_});
  EXPECT_EQ(gone.exit_code, kFailure);
  EXPECT_THAT(gone.err, HasSubstr(opening_));
}

TEST_F(AgendaCliTest, SpeakerScheduleNamesTheRole) {
  ASSERT_NO_FATAL_FAILURE(CreateEventAndPeople());
  ASSERT_NO_FATAL_FAILURE(AddProgramme());

  // Dewi Lestari speaks at the opening, chairs the first panel, speaks on the
  // education framework panel.
  CommandResult r = Convene({"agenda", "speaker", Id("Dewi Lestari")});
  ASSERT_EQ(r.exit_code, kOk) << r.err;
  const std::vector<std::string> lines = Lines(r.out);
  ASSERT_FALSE(lines.empty());
  EXPECT_THAT(lines[0], HasSubstr("Dewi Lestari"));
  EXPECT_THAT(r.out, AllOf(ContainsRegex("Opening and welcome remarks +speaker"),
                           ContainsRegex("09:30–11:00 +Increasing Public[^\n]* +chair"),
                           ContainsRegex("Framework for Anti-Corruption[^\n]* +speaker")));

  CommandResult csv = Convene({"agenda", "speaker", Id("Dewi Lestari"), "--output", "csv"});
  ASSERT_EQ(csv.exit_code, kOk) << csv.err;
  EXPECT_EQ(Lines(csv.out).size(), 4u) << csv.out;
}

TEST_F(AgendaCliTest, ExportsCalendarAndMarkdown) {
  ASSERT_NO_FATAL_FAILURE(CreateEventAndPeople());
  ASSERT_NO_FATAL_FAILURE(AddProgramme());

  const std::string ics = dir_ + "/agenda.ics";
  CommandResult wrote =
      Convene({"agenda", "export", "--event", event_, "--format", "ics", "--out", ics});
  ASSERT_EQ(wrote.exit_code, kOk) << wrote.err;
  EXPECT_EQ(wrote.out, absl::StrCat("wrote ", ics, " (", kProgrammeSessions, " sessions)\n"));
  EXPECT_EQ(Count(ReadFile(ics), "BEGIN:VEVENT"), kProgrammeSessions);

  CommandResult md = Convene({"agenda", "export", "--event", event_, "--format", "md"});
  ASSERT_EQ(md.exit_code, kOk) << md.err;
  EXPECT_THAT(md.out, AllOf(HasSubstr("Increasing Public Participation"),
                            HasSubstr("Pimchanok Srisuk"), HasSubstr("Nguyễn Thị Hoa"),
                            HasSubstr("Corrupt Practices Investigation Bureau")));
  CommandResult markdown = Convene({"agenda", "export", "--event", event_, "--format", "markdown"});
  EXPECT_EQ(markdown.out, md.out);

  CommandResult csv = Convene({"agenda", "export", "--event", event_, "--format", "csv"});
  ASSERT_EQ(csv.exit_code, kOk) << csv.err;
  EXPECT_THAT(csv.out, HasSubstr("Public Sector Integrity Measurement"));

  CommandResult bad = Convene({"agenda", "export", "--event", event_, "--format", "pdf"});
  EXPECT_EQ(bad.exit_code, kUsage);
  EXPECT_THAT(bad.err, HasSubstr("--format"));

  // An independent parser reads the calendar (tests/ical/check_ics.py).
  std::string source(__FILE__);
  source = source.substr(0, source.rfind("/tests/"));
  const std::string checker = source + "/tests/ical/check_ics.py";
  if (!std::filesystem::exists(checker)) GTEST_SKIP() << checker << " is not written yet";
  // Debian's interpreter, which has Debian's python3-icalendar (a python3
  // earlier in PATH, e.g. pyenv's, may not).
  const std::string python =
      std::filesystem::exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3";
  CommandResult checked = RunCommand({python, checker, ics, absl::StrCat(kProgrammeSessions)}, {});
  if (checked.exit_code != 0 && absl::StrContains(checked.out, "icalendar module is missing")) {
    GTEST_SKIP() << checked.out;
  }
  EXPECT_EQ(checked.exit_code, 0) << checked.out << checked.err;
}

TEST_F(AgendaCliTest, AnotherTimeZoneShiftsTheShownTimes) {
  ASSERT_NO_FATAL_FAILURE(CreateEventAndPeople());
  ASSERT_NO_FATAL_FAILURE(AddProgramme());
  const std::string almaty = "Asia/Almaty";
  const std::string start = ClockIn(std::string(kDay1) + "T09:30", kZone, almaty);
  const std::string end = ClockIn(std::string(kDay1) + "T11:00", kZone, almaty);
  ASSERT_NE(start, "09:30");  // the zones differ in 2023

  CommandResult one = Convene({"agenda", "show", panel1_, "--timezone", almaty});
  ASSERT_EQ(one.exit_code, kOk) << one.err;
  EXPECT_THAT(one.out, ContainsRegex("time +" + start + "–" + end + " Asia/Almaty"));

  CommandResult programme = Convene({"agenda", "show", "--event", event_, "--timezone", almaty});
  ASSERT_EQ(programme.exit_code, kOk) << programme.err;
  EXPECT_THAT(programme.out, AllOf(HasSubstr("times in Asia/Almaty"), HasSubstr(start + "–" + end),
                                   Not(HasSubstr("09:30–11:00"))));

  CommandResult speaker = Convene({"agenda", "speaker", Id("Tan Wei Ling"), "--timezone", almaty});
  ASSERT_EQ(speaker.exit_code, kOk) << speaker.err;
  EXPECT_THAT(speaker.out, HasSubstr(start + "–" + end));

  // Without --timezone, the event's own zone.
  CommandResult local = Convene({"agenda", "show", panel1_});
  EXPECT_THAT(local.out, ContainsRegex("time +09:30–11:00 Asia/Jakarta"));

  CommandResult unknown = Convene({"agenda", "show", panel1_, "--timezone", "Mars/Olympus"});
  EXPECT_NE(unknown.exit_code, kOk);
  EXPECT_THAT(unknown.err, HasSubstr("Mars/Olympus"));
}

TEST_F(AgendaCliTest, RegistrationDownIsAClearErrorNotAHang) {
  ASSERT_NO_FATAL_FAILURE(CreateEventAndPeople());
  registration_->Stop(SIGTERM);

  const absl::Time begin = absl::Now();
  CommandResult r =
      AddSession("Opening", "opening", std::string(kDay1) + "T09:00", std::string(kDay1) + "T09:30",
                 {"--speaker", Id("Dewi Lestari"), "--timeout", "20"});
  EXPECT_LT(absl::Now() - begin, absl::Seconds(15));
  EXPECT_EQ(r.exit_code, kFailure) << r.out;
  EXPECT_THAT(r.err, AllOf(MatchesRegex("error: [^\n]+\n"), HasSubstr("registration"),
                           Not(HasSubstr("cannot reach the agenda service"))));

  // The agenda service itself being down is named as such.
  agenda_->Stop(SIGTERM);
  CommandResult down = Convene({"agenda", "show", "--event", event_});
  EXPECT_EQ(down.exit_code, kFailure);
  EXPECT_THAT(down.err, HasSubstr("cannot reach the agenda service"));
}

}  // namespace
}  // namespace convene
