// End-to-end: `convene groups` against real registration and grouping
// services on loopback, the way a facilitator splits a 30-person workshop
// (6 countries, 4 sectors, 2 facilitators) into breakout groups: mixed
// groups, country roundtables, constraints, rounds, a manual move, publishing
// and exporting. Plans are read back from `--output json` (the proto JSON
// mapping a script would parse) and checked by counting members here.

#include <signal.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "convene/grouping/v1/grouping_service.pb.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"
#include "services/common/testing/process.h"

namespace convene {
namespace {

using ::convene::grouping::v1::GroupPlan;
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

constexpr int kParticipants = 30;
const std::vector<std::string>& Countries() {
  static const auto* countries = new std::vector<std::string>{"ID", "MY", "PH", "TH", "VN", "KH"};
  return *countries;
}
const std::vector<std::string>& Sectors() {
  static const auto* sectors = new std::vector<std::string>{"government", "civil society",
                                                            "academia", "anti-corruption body"};
  return *sectors;
}

// The lines of `text`, without their ends ("\n", or "\r\n" in CSV).
std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines = absl::StrSplit(text, '\n', absl::SkipEmpty());
  for (std::string& line : lines) line = std::string(absl::StripSuffix(line, "\r"));
  return lines;
}

std::string ReadFile(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  std::ostringstream text;
  text << file.rdbuf();
  return text.str();
}

int DisplayWidth(const std::string& line) {
  int width = 0;
  for (char c : line) width += (c & 0xC0) == 0x80 ? 0 : 1;
  return width;
}

// The plan in a `--output json` response of make, show or move.
GroupPlan PlanFromJson(const std::string& json) {
  grouping::v1::GetPlanResponse response;  // every response holds `plan` as field 1
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = true;
  auto status = google::protobuf::util::JsonStringToMessage(json, &response, options);
  EXPECT_TRUE(status.ok()) << status.ToString() << "\n" << json;
  return response.plan();
}

// Member ids of each group of round `round` (1-based), in group order.
std::vector<std::vector<std::string>> GroupsOf(const GroupPlan& plan, int round = 1) {
  std::vector<std::vector<std::string>> groups;
  if (plan.rounds_size() < round) return groups;
  for (const auto& group : plan.rounds(round - 1).groups()) {
    std::vector<std::string> ids;
    for (const auto& member : group.members()) ids.push_back(member.participant_id());
    groups.push_back(std::move(ids));
  }
  return groups;
}

// The 1-based group that holds `id` in round `round`, or 0.
int GroupOf(const GroupPlan& plan, const std::string& id, int round = 1) {
  const auto groups = GroupsOf(plan, round);
  for (size_t g = 0; g < groups.size(); ++g) {
    if (std::find(groups[g].begin(), groups[g].end(), id) != groups[g].end()) return g + 1;
  }
  return 0;
}

class GroupsCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!std::filesystem::exists(BinaryPath("convene-grouping"))) {
      GTEST_SKIP() << "convene-grouping is not built";
    }
    dir_ = MakeTempDir("groups-cli");
    auto registration = ServiceProcess::Start("convene-registration", dir_ + "/registration");
    ASSERT_TRUE(registration.ok()) << registration.status();
    registration_ = std::make_unique<ServiceProcess>(*std::move(registration));
    auto grouping = ServiceProcess::Start("convene-grouping", dir_ + "/grouping",
                                          {"--registration_addr=" + registration_->address()});
    ASSERT_TRUE(grouping.ok()) << grouping.status();
    grouping_ = std::make_unique<ServiceProcess>(*std::move(grouping));
    ASSERT_NO_FATAL_FAILURE(CreateWorkshop());
  }

  CommandResult Convene(std::vector<std::string> args) {
    args.insert(args.begin(), BinaryPath("convene"));
    return RunCommand(args, {"CONVENE_REGISTRATION_ADDR=" + registration_->address(),
                             "CONVENE_GROUPING_ADDR=" + grouping_->address()});
  }

  // The output of a command that must succeed.
  std::string Ok(std::vector<std::string> args) {
    CommandResult r = Convene(args);
    EXPECT_EQ(r.exit_code, kOk) << absl::StrJoin(args, " ") << "\n" << r.err;
    return r.out;
  }

  // `groups make --event E ARGS --output json` that must succeed; its plan.
  GroupPlan Make(std::vector<std::string> args) {
    args.insert(args.begin(), {"groups", "make", "--event", event_});
    args.insert(args.end(), {"--output", "json"});
    return PlanFromJson(Ok(args));
  }

  GroupPlan Show(const std::string& plan_id) {
    return PlanFromJson(Ok({"groups", "show", plan_id, "--output", "json"}));
  }

  // 30 participants: 5 from each of 6 countries, sectors and genders in
  // turn, two of them facilitators. Ids by name from `participant list`.
  void CreateWorkshop() {
    event_ = std::string(absl::StripSuffix(
        Ok({"event", "create", "--title", "Breakout groups workshop", "--timezone", "Asia/Jakarta",
            "--start", "2030-05-30", "--end", "2030-05-31"}),
        "\n"));
    ASSERT_THAT(event_, MatchesRegex("evt_[a-z0-9]+"));
    std::string csv = "name,email,country,organization,sector,gender,role\n";
    for (int i = 0; i < kParticipants; ++i) {
      const std::string& country = Countries()[i % Countries().size()];
      Person p;
      p.name = absl::StrCat(i % 3 == 0 ? "Nguyễn " : "Person ", country, " ", i);
      p.country = country;
      p.sector = Sectors()[i % Sectors().size()];
      p.role = (i == 0 || i == 1) ? "facilitator" : "participant";
      const std::string email = absl::StrCat("p", i, "@example.org");
      absl::StrAppend(&csv, p.name, ",", email, ",", country, ",Organisation ", i % 5, ",",
                      p.sector, ",", i % 2 == 0 ? "female" : "male", ",", p.role, "\n");
      people_[email] = p;
    }
    const std::string path = dir_ + "/participants.csv";
    std::ofstream(path) << csv;
    EXPECT_EQ(Ok({"participant", "import", "--event", event_, path}),
              absl::StrCat("imported ", kParticipants, " participants: ", kParticipants,
                           " confirmed, 0 waitlisted\n"));

    // Ids by email, from the list as a spreadsheet would read it.
    const std::vector<std::string> rows =
        Lines(Ok({"participant", "list", "--event", event_, "--output", "csv"}));
    ASSERT_GT(rows.size(), 1u);
    const std::vector<std::string> header = absl::StrSplit(rows[0], ',');
    const size_t email_column = std::find(header.begin(), header.end(), "email") - header.begin();
    ASSERT_LT(email_column, header.size()) << rows[0];
    for (size_t r = 1; r < rows.size(); ++r) {
      const std::vector<std::string> cells = absl::StrSplit(rows[r], ',');
      ASSERT_GT(cells.size(), email_column) << rows[r];
      Person& p = people_.at(cells[email_column]);
      p.id = cells[0];
      by_id_[p.id] = p;
      if (p.role == "facilitator") facilitators_.push_back(p.id);
    }
    ASSERT_THAT(by_id_, SizeIs(kParticipants));
    ASSERT_THAT(facilitators_, SizeIs(2));
  }

  std::string IdOf(int i) { return people_.at(absl::StrCat("p", i, "@example.org")).id; }

  // Every participant exactly once in each round.
  void ExpectEveryoneOnceInEachRound(const GroupPlan& plan) {
    for (int round = 1; round <= plan.rounds_size(); ++round) {
      std::map<std::string, int> seen;
      for (const auto& group : GroupsOf(plan, round)) {
        for (const std::string& id : group) ++seen[id];
      }
      EXPECT_THAT(seen, SizeIs(kParticipants)) << "round " << round;
      for (const auto& [id, times] : seen) {
        EXPECT_EQ(times, 1) << id << " in round " << round;
        EXPECT_TRUE(by_id_.count(id)) << "unknown participant " << id;
      }
    }
  }

  struct Person {
    std::string id;
    std::string name;
    std::string country;
    std::string sector;
    std::string role;
  };

  std::string dir_;
  std::unique_ptr<ServiceProcess> registration_;
  std::unique_ptr<ServiceProcess> grouping_;
  std::string event_;
  std::map<std::string, Person> people_;  // by email
  std::map<std::string, Person> by_id_;
  std::vector<std::string> facilitators_;
};

TEST_F(GroupsCliTest, FourDiverseGroupsHoldEveryoneOnceAndRepeatWithTheSeed) {
  const std::vector<std::string> args = {"--groups", "4",         "--strategy",
                                         "diverse",  "--balance", "country:3,sector:2,gender:1",
                                         "--seed",   "7"};
  const GroupPlan plan = Make(args);
  EXPECT_THAT(plan.id(), MatchesRegex("gpl_[a-z0-9]+"));
  ASSERT_EQ(plan.rounds_size(), 1);
  const auto groups = GroupsOf(plan);
  ASSERT_THAT(groups, SizeIs(4));
  ExpectEveryoneOnceInEachRound(plan);
  size_t smallest = kParticipants, largest = 0;
  for (const auto& group : groups) {
    smallest = std::min(smallest, group.size());
    largest = std::max(largest, group.size());
  }
  EXPECT_LE(largest - smallest, 1u);

  // Mixed: no group of 7 or 8 is drawn from fewer than 4 of the 6 countries.
  for (const auto& group : groups) {
    std::set<std::string> countries;
    for (const std::string& id : group) countries.insert(by_id_.at(id).country);
    EXPECT_GE(countries.size(), 4u) << absl::StrJoin(group, " ");
  }

  // The same command again makes the same groups.
  EXPECT_EQ(GroupsOf(Make(args)), groups);

  // What a facilitator reads: the plan's id, each group with its members'
  // names, the quality underneath, all within 80 columns.
  CommandResult table = Convene({"groups", "make", "--event", event_, "--groups", "4", "--seed",
                                 "7", "--balance", "country:3,sector:2,gender:1"});
  ASSERT_EQ(table.exit_code, kOk) << table.err;
  const std::vector<std::string> lines = Lines(table.out);
  ASSERT_FALSE(lines.empty());
  EXPECT_THAT(lines[0], MatchesRegex("plan gpl_[a-z0-9]+"));
  EXPECT_THAT(table.out, AllOf(HasSubstr("Round 1"), ContainsRegex("Group 1 \\([78]\\)"),
                               ContainsRegex("Group 4 \\([78]\\)"), HasSubstr("Nguyễn ID 0"),
                               HasSubstr("civil-society"), ContainsRegex("objective +[0-9]"),
                               ContainsRegex("seed +7\n"), ContainsRegex("participants +30\n"),
                               HasSubstr("draft")));
  for (const std::string& line : lines) EXPECT_LE(DisplayWidth(line), 80) << line;

  // CSV: one row per member.
  CommandResult csv = Convene({"groups", "show", plan.id(), "--output", "csv"});
  ASSERT_EQ(csv.exit_code, kOk) << csv.err;
  const std::vector<std::string> rows = Lines(csv.out);
  ASSERT_THAT(rows, SizeIs(kParticipants + 1));
  EXPECT_EQ(rows[0], "round,group,participant_id,name,country,sector,organization");

  // The plan is listed.
  EXPECT_THAT(Ok({"groups", "list", "--event", event_}),
              AllOf(HasSubstr(plan.id()), HasSubstr("diverse")));
}

TEST_F(GroupsCliTest, ByCountryMakesOneRoundtablePerCountry) {
  const GroupPlan plan = Make({"--strategy", "by-attribute", "--by", "country"});
  ExpectEveryoneOnceInEachRound(plan);
  const auto groups = GroupsOf(plan);
  ASSERT_THAT(groups, SizeIs(Countries().size()));
  std::set<std::string> countries;
  for (const auto& group : groups) {
    std::set<std::string> in_group;
    for (const std::string& id : group) in_group.insert(by_id_.at(id).country);
    EXPECT_THAT(in_group, SizeIs(1)) << absl::StrJoin(in_group, ", ");
    countries.insert(in_group.begin(), in_group.end());
  }
  EXPECT_THAT(countries, SizeIs(Countries().size()));
}

TEST_F(GroupsCliTest, KeepApartAndKeepTogetherAreHonoured) {
  // Two people of the same country and sector, whom mixing alone might pair.
  const std::string a = IdOf(2), b = IdOf(14);
  const std::string x = IdOf(3), y = IdOf(9), z = IdOf(15);
  const GroupPlan plan = Make({"--groups", "4", "--seed", "7", "--keep-apart", a + "," + b,
                               "--keep-together", absl::StrCat(x, ",", y, ",", z)});
  ExpectEveryoneOnceInEachRound(plan);
  EXPECT_NE(GroupOf(plan, a), GroupOf(plan, b));
  EXPECT_EQ(GroupOf(plan, x), GroupOf(plan, y));
  EXPECT_EQ(GroupOf(plan, x), GroupOf(plan, z));
}

TEST_F(GroupsCliTest, ImpossibleKeepTogetherIsRefusedInOneSentence) {
  std::vector<std::string> nine;
  for (int i = 0; i < 9; ++i) nine.push_back(IdOf(i));
  CommandResult r = Convene({"groups", "make", "--event", event_, "--groups", "4", "--max-size",
                             "8", "--keep-together", absl::StrJoin(nine, ",")});
  EXPECT_EQ(r.exit_code, kFailure) << r.out;
  EXPECT_THAT(r.err, MatchesRegex("error: [^\n]+\n"));
  EXPECT_THAT(absl::AsciiStrToLower(r.err), HasSubstr("together"));
  EXPECT_EQ(r.out, "");
}

TEST_F(GroupsCliTest, SpreadFacilitatorsPutsThemInDifferentGroups) {
  for (const std::string seed : {"1", "2", "3", "4", "5"}) {
    const GroupPlan plan =
        Make({"--groups", "4", "--strategy", "random", "--spread-facilitators", "--seed", seed});
    ExpectEveryoneOnceInEachRound(plan);
    EXPECT_NE(GroupOf(plan, facilitators_[0]), GroupOf(plan, facilitators_[1])) << "seed " << seed;
  }

  // A hand move may not undo the spread: it is refused and nothing changes.
  const GroupPlan plan = Make({"--groups", "4", "--spread-facilitators", "--seed", "7"});
  const int second = GroupOf(plan, facilitators_[1]);
  CommandResult r = Convene({"groups", "move", plan.id(), "--participant", facilitators_[0], "--to",
                             absl::StrCat(second)});
  EXPECT_EQ(r.exit_code, kFailure) << r.out;
  EXPECT_THAT(r.err, AllOf(MatchesRegex("error: [^\n]+\n"), HasSubstr("facilitator")));
  EXPECT_EQ(GroupsOf(Show(plan.id())), GroupsOf(plan));
}

TEST_F(GroupsCliTest, ThreeRoundsReportTheRepeatPairsTheyHave) {
  const GroupPlan plan = Make({"--groups", "6", "--rounds", "3", "--seed", "7"});
  ASSERT_EQ(plan.rounds_size(), 3);
  ExpectEveryoneOnceInEachRound(plan);
  // Pairs meeting more than once, counted once per extra meeting.
  std::map<std::pair<std::string, std::string>, int> meetings;
  for (int round = 1; round <= 3; ++round) {
    const auto groups = GroupsOf(plan, round);
    EXPECT_THAT(groups, SizeIs(6)) << "round " << round;
    for (const auto& group : groups) {
      for (size_t i = 0; i < group.size(); ++i) {
        for (size_t j = i + 1; j < group.size(); ++j) {
          ++meetings[std::minmax(group[i], group[j])];
        }
      }
    }
  }
  int repeats = 0;
  for (const auto& [pair, times] : meetings) repeats += times - 1;
  EXPECT_EQ(plan.quality().repeat_pairs(), repeats);
  // 30 people in groups of 5 meet 60 new pairs a round out of 435: three
  // rounds need not repeat any.
  EXPECT_EQ(repeats, 0);

  CommandResult table = Convene({"groups", "show", plan.id()});
  EXPECT_THAT(table.out, AllOf(HasSubstr("Round 1"), HasSubstr("Round 3"),
                               ContainsRegex(absl::StrCat("repeat pairs +", repeats, "\n"))));
}

TEST_F(GroupsCliTest, MoveChangesTheGroupUntilThePlanIsPublished) {
  const GroupPlan plan = Make({"--groups", "4", "--seed", "7"});
  const std::string who = GroupsOf(plan)[0][0];
  ASSERT_EQ(GroupOf(plan, who), 1);
  const size_t first_size = GroupsOf(plan)[0].size(), second_size = GroupsOf(plan)[1].size();

  CommandResult moved =
      Convene({"groups", "move", plan.id(), "--participant", who, "--to", "2", "--round", "1"});
  ASSERT_EQ(moved.exit_code, kOk) << moved.err;
  EXPECT_THAT(moved.out, AllOf(HasSubstr(by_id_.at(who).name),
                               ContainsRegex(absl::StrCat("Group 2 \\(", second_size + 1, "\\)")),
                               ContainsRegex("objective [0-9.]+ \\(was [0-9.]+\\)\n")));
  const GroupPlan after = Show(plan.id());
  EXPECT_EQ(GroupOf(after, who), 2);
  EXPECT_EQ(GroupsOf(after)[0].size(), first_size - 1);
  ExpectEveryoneOnceInEachRound(after);

  EXPECT_EQ(Ok({"groups", "publish", plan.id()}), absl::StrCat("published ", plan.id(), "\n"));
  CommandResult locked = Convene({"groups", "move", plan.id(), "--participant", who, "--to", "1"});
  EXPECT_EQ(locked.exit_code, kFailure);
  EXPECT_THAT(locked.err, AllOf(MatchesRegex("error: [^\n]+\n"), HasSubstr("published")));
  EXPECT_EQ(GroupOf(Show(plan.id()), who), 2);
  EXPECT_THAT(Ok({"groups", "show", plan.id()}), ContainsRegex("status +published"));
}

TEST_F(GroupsCliTest, ExportWritesTheGroupsWithNames) {
  const GroupPlan plan = Make({"--groups", "4", "--seed", "7"});
  const std::string md = Ok({"groups", "export", plan.id(), "--format", "md"});
  for (const auto& [id, person] : by_id_) EXPECT_THAT(md, HasSubstr(person.name));

  const std::string path = dir_ + "/groups.csv";
  EXPECT_EQ(Ok({"groups", "export", plan.id(), "--format", "csv", "--out", path}),
            absl::StrCat("wrote ", path, "\n"));
  const std::string csv = ReadFile(path);
  for (const auto& [id, person] : by_id_) EXPECT_THAT(csv, HasSubstr(id));

  CommandResult bad = Convene({"groups", "export", plan.id(), "--format", "pdf"});
  EXPECT_EQ(bad.exit_code, kUsage);
  EXPECT_THAT(bad.err, HasSubstr("--format"));
}

TEST_F(GroupsCliTest, MalformedFlagsAreUsageErrorsNamingTheItem) {
  CommandResult balance = Convene(
      {"groups", "make", "--event", event_, "--groups", "4", "--balance", "country:3,sector"});
  EXPECT_EQ(balance.exit_code, kUsage);
  EXPECT_THAT(balance.err, HasSubstr("\"sector\""));

  CommandResult both =
      Convene({"groups", "make", "--event", event_, "--groups", "4", "--size", "5"});
  EXPECT_EQ(both.exit_code, kUsage);
  EXPECT_THAT(both.err, AllOf(HasSubstr("--groups"), HasSubstr("--size")));

  CommandResult strategy =
      Convene({"groups", "make", "--event", event_, "--groups", "4", "--strategy", "clever"});
  EXPECT_EQ(strategy.exit_code, kUsage);
  EXPECT_THAT(strategy.err, HasSubstr("by-attribute"));
}

TEST_F(GroupsCliTest, RegistrationDownIsAClearErrorNotAHang) {
  registration_->Stop(SIGTERM);
  const absl::Time begin = absl::Now();
  CommandResult r =
      Convene({"groups", "make", "--event", event_, "--groups", "4", "--timeout", "20"});
  EXPECT_LT(absl::Now() - begin, absl::Seconds(15));
  EXPECT_EQ(r.exit_code, kFailure) << r.out;
  EXPECT_THAT(r.err, AllOf(MatchesRegex("error: [^\n]+\n"), HasSubstr("registration"),
                           Not(HasSubstr("cannot reach the grouping service"))));

  grouping_->Stop(SIGTERM);
  CommandResult down = Convene({"groups", "list", "--event", event_});
  EXPECT_EQ(down.exit_code, kFailure);
  EXPECT_THAT(down.err, HasSubstr("cannot reach the grouping service"));
}

}  // namespace
}  // namespace convene
