// End-to-end: the convene command against a real registration service on
// loopback, checked the way a workshop organiser would check it (what the
// command prints, its exit code, and what a later `list` or `show` says).

#include <algorithm>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
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
using ::testing::ContainsRegex;
using ::testing::HasSubstr;
using ::testing::MatchesRegex;
using ::testing::Not;
using ::testing::SizeIs;

constexpr int kOk = 0;
constexpr int kFailure = 1;
constexpr int kUsage = 2;

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

class CliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = MakeTempDir("cli");
    auto server = ServiceProcess::Start("convene-registration", dir_ + "/registration");
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = std::make_unique<ServiceProcess>(*std::move(server));
  }

  // Runs `convene ARGS...` against the test's registration service.
  CommandResult Convene(std::vector<std::string> args, const std::string& input = "") {
    args.insert(args.begin(), BinaryPath("convene"));
    return RunCommand(args, {"CONVENE_REGISTRATION_ADDR=" + server_->address()}, input);
  }

  // Creates a three-day event and returns the id the command printed.
  std::string CreateEvent(int capacity) {
    CommandResult r = Convene({"event", "create", "--title", "Anti-corruption dialogue",
                               "--timezone", "Asia/Kuala_Lumpur", "--start", "2030-10-01", "--end",
                               "2030-10-03", "--capacity", absl::StrCat(capacity)});
    EXPECT_EQ(r.exit_code, kOk) << r.err;
    return std::string(absl::StripSuffix(r.out, "\n"));
  }

  // Adds a participant and returns "<id> <status>" as printed.
  std::string Add(const std::string& event, const std::string& name, const std::string& email,
                  const std::string& country, std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"participant", "add",     "--event", event,       "--name",
                                     name,          "--email", email,     "--country", country};
    args.insert(args.end(), extra.begin(), extra.end());
    CommandResult r = Convene(args);
    EXPECT_EQ(r.exit_code, kOk) << r.err;
    return std::string(absl::StripSuffix(r.out, "\n"));
  }

  static std::string IdOf(const std::string& added) { return added.substr(0, added.find(' ')); }

  std::string WriteFile(const std::string& name, const std::string& text) {
    std::string path = dir_ + "/" + name;
    std::ofstream(path, std::ios::binary) << text;
    return path;
  }

  std::string dir_;
  std::unique_ptr<ServiceProcess> server_;
};

TEST_F(CliTest, EventCreatePrintsTheIdAloneAndShowHasEveryField) {
  CommandResult created = Convene({"event",
                                   "create",
                                   "--title",
                                   "Regional dialogue on corruption",
                                   "--theme",
                                   "Corruption and human rights",
                                   "--format",
                                   "hybrid",
                                   "--city",
                                   "Kuala Lumpur",
                                   "--country",
                                   "Malaysia",
                                   "--timezone",
                                   "Asia/Kuala_Lumpur",
                                   "--start",
                                   "2030-10-01",
                                   "--end=2030-10-03",
                                   "--capacity",
                                   "40",
                                   "--organiser",
                                   "UNDP",
                                   "--organiser",
                                   "SUHAKAM",
                                   "--language",
                                   "en",
                                   "--language",
                                   "ru"});
  ASSERT_EQ(created.exit_code, kOk) << created.err;
  EXPECT_THAT(created.out, MatchesRegex("evt_[a-z0-9]+\n"));
  const std::string id(absl::StripSuffix(created.out, "\n"));

  CommandResult json = Convene({"event", "show", id, "--output", "json"});
  ASSERT_EQ(json.exit_code, kOk) << json.err;
  EXPECT_THAT(json.out,
              AllOf(HasSubstr("\"id\": \"" + id + "\""),
                    HasSubstr("\"title\": \"Regional dialogue on corruption\""),
                    HasSubstr("\"format\": \"EVENT_FORMAT_HYBRID\""),
                    HasSubstr("\"timeZone\": \"Asia/Kuala_Lumpur\""),
                    HasSubstr("\"startDate\": \"2030-10-01\""),
                    HasSubstr("\"endDate\": \"2030-10-03\""), HasSubstr("\"country\": \"MY\""),
                    HasSubstr("\"capacity\": 40"), HasSubstr("\"SUHAKAM\""), HasSubstr("\"ru\"")));

  CommandResult table = Convene({"event", "show", id});
  ASSERT_EQ(table.exit_code, kOk) << table.err;
  EXPECT_THAT(table.out, AllOf(ContainsRegex("format +hybrid"),
                               ContainsRegex("dates +2030-10-01 to 2030-10-03"),
                               ContainsRegex("organisers +UNDP; SUHAKAM")));

  CommandResult list = Convene({"event", "list"});
  EXPECT_THAT(list.out, HasSubstr(id));
}

TEST_F(CliTest, ParticipantsBeyondCapacityAreWaitlisted) {
  const std::string event = CreateEvent(2);
  EXPECT_THAT(Add(event, "Aigerim Bekova", "aigerim@example.org", "KZ",
                  {"--sector", "civil society", "--role", "Speaker"}),
              MatchesRegex("par_[a-z0-9]+ confirmed"));
  EXPECT_THAT(Add(event, "Somchai Wong", "somchai@example.org", "Thailand"),
              MatchesRegex("par_[a-z0-9]+ confirmed"));
  EXPECT_THAT(Add(event, "Dilnoza Karimova", "dilnoza@example.org", "UZ"),
              MatchesRegex("par_[a-z0-9]+ waitlisted"));

  // The same email again is refused, in one sentence.
  CommandResult again = Convene({"participant", "add", "--event", event, "--name", "A. Bekova",
                                 "--email", "AIGERIM@example.org", "--country", "KZ"});
  EXPECT_EQ(again.exit_code, kFailure);
  EXPECT_THAT(again.err, MatchesRegex("error: [^\n]+\n"));
}

TEST_F(CliTest, ImportReadsQuotedUtf8NamesAndUnCountryNames) {
  const std::string event = CreateEvent(0);
  const std::string csv =
      WriteFile("participants.csv",
                " Name ,EMAIL,Country,Organization,Languages\r\n"
                "\"Nguyễn Thị Hoa\",hoa@example.org,Viet Nam,"
                "\"Ministry of Justice, Viet Nam\",vi\r\n"
                "Souksavanh Phommachanh,souk@example.org,Lao PDR,State Inspection,lo\r\n"
                "\"Kim \"\"Minnie\"\" Min-ji\",minji@example.org,Republic of Korea,"
                "KICAC,ko\r\n");
  CommandResult imported = Convene({"participant", "import", "--event", event, csv});
  ASSERT_EQ(imported.exit_code, kOk) << imported.err;
  EXPECT_EQ(imported.out, "imported 3 participants: 3 confirmed, 0 waitlisted\n");

  CommandResult list = Convene({"participant", "list", "--event", event, "--output", "csv"});
  ASSERT_EQ(list.exit_code, kOk) << list.err;
  EXPECT_THAT(list.out, AllOf(HasSubstr("Nguyễn Thị Hoa"), HasSubstr("VN"), HasSubstr("LA"),
                              HasSubstr("KR"), HasSubstr("\"Kim \"\"Minnie\"\" Min-ji\"")));

  CommandResult json = Convene({"participant", "list", "--event", event, "--output=json"});
  ASSERT_EQ(json.exit_code, kOk) << json.err;
  EXPECT_THAT(json.out,
              AllOf(HasSubstr("\"languages\": \"vi\""), HasSubstr("\"organization\": \"Ministry of "
                                                                  "Justice, Viet Nam\"")));
}

TEST_F(CliTest, ImportWithBadRowsImportsNothingUnlessSkipInvalid) {
  const std::string event = CreateEvent(0);
  const std::string csv = WriteFile("bad.csv",
                                    "name,email,country\n"
                                    "Aigerim Bekova,aigerim@example.org,KZ\n"
                                    "Somchai Wong,not-an-email,TH\n"
                                    "Dilnoza Karimova,dilnoza@example.org,UZ\n"
                                    "Bolat Nurlanov,bolat@example.org,\n");
  CommandResult refused = Convene({"participant", "import", "--event", event, csv});
  EXPECT_EQ(refused.exit_code, kFailure);
  EXPECT_THAT(refused.err, AllOf(HasSubstr("line 3: email: "), HasSubstr("line 5: country: "),
                                 HasSubstr("nothing imported: 2 of 4 rows")));
  CommandResult none = Convene({"participant", "list", "--event", event, "--output", "csv"});
  EXPECT_THAT(Lines(none.out), SizeIs(1));  // the header alone

  CommandResult skipped =
      Convene({"participant", "import", "--event", event, csv, "--skip-invalid"});
  EXPECT_EQ(skipped.exit_code, kOk) << skipped.err;
  EXPECT_THAT(skipped.err, HasSubstr("line 3: email: "));
  EXPECT_EQ(skipped.out, "imported 2 participants: 2 confirmed, 0 waitlisted\n");
  CommandResult two = Convene({"participant", "list", "--event", event, "--output", "csv"});
  EXPECT_THAT(Lines(two.out), SizeIs(3));
  EXPECT_THAT(two.out, AllOf(HasSubstr("Aigerim Bekova"), HasSubstr("Dilnoza Karimova"),
                             Not(HasSubstr("Somchai"))));
}

TEST_F(CliTest, ImportReportsAnUnclosedQuoteByLine) {
  const std::string event = CreateEvent(0);
  CommandResult r = Convene({"participant", "import", "--event", event, "-"},
                            "name,email,country\n\"Aigerim Bekova,aigerim@example.org,KZ\n");
  EXPECT_EQ(r.exit_code, kFailure);
  EXPECT_THAT(r.err, MatchesRegex("error: [^\n]*line 2[^\n]*\n"));
}

TEST_F(CliTest, ListFiltersLimitsAndPrintsJson) {
  const std::string event = CreateEvent(0);
  Add(event, "Aigerim Bekova", "aigerim@example.org", "KZ", {"--sector", "civil-society"});
  Add(event, "Somchai Wong", "somchai@example.org", "TH", {"--sector", "Government"});
  Add(event, "Dilnoza Karimova", "dilnoza@example.org", "UZ", {"--sector", "CIVIL_SOCIETY"});
  Add(event, "Nguyễn Thị Hoa", "hoa@example.org", "Viet Nam", {"--sector", "academia"});

  CommandResult civil =
      Convene({"participant", "list", "--event", event, "--sector", "civil society"});
  ASSERT_EQ(civil.exit_code, kOk) << civil.err;
  EXPECT_THAT(Lines(civil.out), SizeIs(3));  // header and two participants
  EXPECT_THAT(civil.out, AllOf(HasSubstr("Aigerim Bekova"), HasSubstr("Dilnoza Karimova"),
                               Not(HasSubstr("Somchai"))));
  CommandResult csv = Convene(
      {"participant", "list", "--event", event, "--sector", "civil-society", "--output", "csv"});
  EXPECT_EQ(Count(csv.out, ",civil-society,"), 2) << csv.out;

  CommandResult limited = Convene({"participant", "list", "--event", event, "--limit", "2"});
  EXPECT_THAT(Lines(limited.out), SizeIs(3));
  EXPECT_THAT(limited.out, Not(HasSubstr("Nguyễn")));  // arrival order

  CommandResult json = Convene({"--output", "json", "participant", "list", "--event", event});
  ASSERT_EQ(json.exit_code, kOk) << json.err;
  EXPECT_EQ(Count(json.out, "\"eventId\""), 4);
  EXPECT_THAT(json.out, HasSubstr("\"participants\": ["));

  for (const std::string& line : Lines(Convene({"participant", "list", "--event", event}).out)) {
    // The table fits a terminal 80 columns wide (counting characters).
    int width = 0;
    for (char c : line) width += (c & 0xC0) != 0x80;
    EXPECT_LE(width, 80) << line;
  }
}

TEST_F(CliTest, ListFollowsEveryPage) {
  const std::string event = CreateEvent(0);
  std::string csv = "name,email,country\n";
  for (int i = 1; i <= 1200; ++i) {
    absl::StrAppend(&csv, "Participant ", i, ",p", i, "@example.org,KZ\n");
  }
  CommandResult imported = Convene({"participant", "import", "--event", event, "-"}, csv);
  ASSERT_EQ(imported.exit_code, kOk) << imported.err;
  EXPECT_EQ(imported.err, "");  // no progress when stderr is not a terminal

  CommandResult all = Convene({"participant", "list", "--event", event, "--output", "csv"});
  ASSERT_EQ(all.exit_code, kOk) << all.err;
  EXPECT_THAT(Lines(all.out), SizeIs(1201));
  EXPECT_THAT(all.out, HasSubstr("p1200@example.org"));
}

TEST_F(CliTest, CancellingAConfirmedParticipantPromotesTheFirstWaitlisted) {
  const std::string event = CreateEvent(1);
  const std::string first = IdOf(Add(event, "Aigerim Bekova", "aigerim@example.org", "KZ"));
  const std::string second = IdOf(Add(event, "Somchai Wong", "somchai@example.org", "TH"));

  CommandResult cancelled = Convene({"participant", "cancel", first});
  ASSERT_EQ(cancelled.exit_code, kOk) << cancelled.err;
  EXPECT_THAT(cancelled.out,
              AllOf(HasSubstr("cancelled"),
                    HasSubstr("promoted from the waitlist: Somchai Wong (" + second + ")")));
  EXPECT_THAT(Convene({"participant", "show", second}).out, ContainsRegex("status +confirmed"));
}

TEST_F(CliTest, RaisingTheCapacityPromotesFromTheWaitlist) {
  const std::string event = CreateEvent(1);
  Add(event, "Aigerim Bekova", "aigerim@example.org", "KZ");
  const std::string second = IdOf(Add(event, "Somchai Wong", "somchai@example.org", "TH"));
  CommandResult updated = Convene({"event", "update", event, "--capacity=2"});
  ASSERT_EQ(updated.exit_code, kOk) << updated.err;
  EXPECT_THAT(updated.out,
              AllOf(ContainsRegex("capacity +2"),
                    HasSubstr("promoted from the waitlist: Somchai Wong (" + second + ")")));
  // Only the capacity changed.
  EXPECT_THAT(updated.out, ContainsRegex("title +Anti-corruption dialogue"));
}

TEST_F(CliTest, CheckInAndSummary) {
  const std::string event = CreateEvent(2);
  const std::string aigerim = IdOf(Add(event, "Aigerim Bekova", "aigerim@example.org", "KZ",
                                       {"--sector", "civil-society", "--gender", "female"}));
  Add(event, "Somchai Wong", "somchai@example.org", "TH",
      {"--sector", "government", "--gender", "male"});
  Add(event, "Dilnoza Karimova", "dilnoza@example.org", "UZ");

  CommandResult checked = Convene({"participant", "checkin", aigerim, "--day", "2030-10-02"});
  ASSERT_EQ(checked.exit_code, kOk) << checked.err;
  EXPECT_THAT(checked.out, HasSubstr("2030-10-02"));
  EXPECT_THAT(Convene({"participant", "show", aigerim}).out,
              ContainsRegex("checked in +2030-10-02"));

  CommandResult summary = Convene({"participant", "summary", "--event", event});
  ASSERT_EQ(summary.exit_code, kOk) << summary.err;
  EXPECT_THAT(summary.out, AllOf(HasSubstr("2 confirmed, 1 waitlisted, 0 cancelled; from 2 "
                                           "countries"),
                                 ContainsRegex("civil-society +1"), ContainsRegex("female +1"),
                                 ContainsRegex("2030-10-01 +0"), ContainsRegex("2030-10-02 +1")));
}

TEST_F(CliTest, UsageErrorsExitTwoWithOneSentence) {
  CommandResult unknown = Convene({"event", "craete"});
  EXPECT_EQ(unknown.exit_code, kUsage);
  EXPECT_THAT(unknown.err, MatchesRegex("error: unknown command [^\n]+\n"));

  CommandResult flag = Convene({"event", "list", "--colour", "red"});
  EXPECT_EQ(flag.exit_code, kUsage);
  EXPECT_THAT(flag.err, MatchesRegex("error: unknown flag --colour[^\n]+\n"));

  CommandResult sector = Convene({"participant", "list", "--event", "evt_x", "--sector", "spy"});
  EXPECT_EQ(sector.exit_code, kUsage);
  EXPECT_THAT(sector.err, AllOf(HasSubstr("--sector must be one of"), HasSubstr("civil-society")));

  CommandResult help = Convene({"participant", "--help"});
  EXPECT_EQ(help.exit_code, kOk);
  EXPECT_THAT(help.out, HasSubstr("convene participant import"));
}

TEST_F(CliTest, ServiceErrorsAreOneSentence) {
  CommandResult missing = Convene({"event", "show", "evt_nosuchevent1"});
  EXPECT_EQ(missing.exit_code, kFailure);
  EXPECT_THAT(missing.err, MatchesRegex("error: [^\n]+\n"));
}

TEST_F(CliTest, StatusReportsEachService) {
  CommandResult up = Convene({"status"});
  EXPECT_EQ(up.exit_code, kOk) << up.err;
  EXPECT_THAT(up.out, ContainsRegex("registration +" + server_->address() + " +serving"));
  EXPECT_THAT(up.out, HasSubstr("aggregation"));
}

TEST_F(CliTest, UnreachableServiceIsNamed) {
  const std::string address = absl::StrCat("127.0.0.1:", convene::testing::FreePort());
  CommandResult r = RunCommand({BinaryPath("convene"), "event", "list"},
                               {"CONVENE_REGISTRATION_ADDR=" + address});
  EXPECT_EQ(r.exit_code, kFailure);
  EXPECT_THAT(r.err, HasSubstr("cannot reach the registration service at " + address));

  CommandResult status =
      RunCommand({BinaryPath("convene"), "status"}, {"CONVENE_REGISTRATION_ADDR=" + address});
  EXPECT_NE(status.exit_code, kOk);
  EXPECT_THAT(status.out, ContainsRegex("registration +" + address + " +unreachable"));
}

}  // namespace
}  // namespace convene
