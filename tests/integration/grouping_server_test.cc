// The grouping service as operators run it: real convene-registration and convene-grouping
// processes on loopback ports, participants registered through gRPC, plans made, moved and
// published.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <map>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "convene/grouping/v1/grouping_service.grpc.pb.h"
#include "convene/registration/v1/registration_service.grpc.pb.h"
#include "services/common/client.h"
#include "services/common/testing/process.h"
#include "services/common/testing/status_matchers.h"

namespace convene {
namespace {

namespace gr = ::convene::grouping::v1;
namespace reg = ::convene::registration::v1;
using ::convene::testing::GrpcStatusIs;
using ::convene::testing::ServiceProcess;
using ::testing::HasSubstr;

constexpr const char* kCountries[] = {"MY", "ID", "TH", "PH", "VN", "KH", "LA", "TL"};

class GroupingServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    data_dir_ = testing::MakeTempDir("grouping");
    auto registration = ServiceProcess::Start("convene-registration", data_dir_ + "/registration");
    ASSERT_TRUE(registration.ok()) << registration.status();
    registration_.emplace(std::move(registration).value());
    auto grouping = ServiceProcess::Start("convene-grouping", data_dir_ + "/grouping",
                                          {"--registration_addr=" + registration_->address()});
    ASSERT_TRUE(grouping.ok()) << grouping.status();
    grouping_.emplace(std::move(grouping).value());
    registration_stub_ = reg::RegistrationService::NewStub(MakeChannel(registration_->address()));
    stub_ = gr::GroupingService::NewStub(MakeChannel(grouping_->address()));
  }

  // An event with `n` confirmed participants from 8 countries and 4 sectors; the first two are
  // facilitators.
  std::string EventWith(int n) {
    reg::CreateEventRequest create;
    create.mutable_event()->set_title("Regional dialogue");
    create.mutable_event()->set_time_zone("Asia/Kuala_Lumpur");
    create.mutable_event()->set_start_date("2024-10-01");
    create.mutable_event()->set_end_date("2024-10-02");
    reg::CreateEventResponse created;
    auto context = NewCallContext();
    EXPECT_TRUE(registration_stub_->CreateEvent(context.get(), create, &created).ok());
    reg::ImportParticipantsRequest import;
    import.set_event_id(created.event().id());
    for (const char* c : {"name", "email", "country", "sector", "gender", "role"}) {
      import.add_header(c);
    }
    const char* sectors[] = {"government", "civil society", "academia", "anti-corruption body"};
    for (int i = 0; i < n; ++i) {
      reg::ImportRow* row = import.add_rows();
      row->set_line(i + 2);
      for (std::string cell : {absl::StrCat("Person ", i), absl::StrCat("p", i, "@example.org"),
                               std::string(kCountries[i % 8]), std::string(sectors[(i / 3) % 4]),
                               std::string(i % 2 ? "female" : "male"),
                               std::string(i < 2 ? "facilitator" : "participant")}) {
        row->add_cells(cell);
      }
    }
    reg::ImportParticipantsResponse imported;
    auto again = NewCallContext();
    EXPECT_TRUE(registration_stub_->ImportParticipants(again.get(), import, &imported).ok());
    EXPECT_EQ(imported.participants_size(), n);
    for (const auto& p : imported.participants()) ids_.push_back(p.id());
    return created.event().id();
  }

  grpc::Status Make(const gr::PlanSpec& spec, gr::GroupPlan* plan) {
    gr::MakePlanRequest request;
    *request.mutable_spec() = spec;
    gr::MakePlanResponse response;
    auto context = NewCallContext(absl::Seconds(30));
    grpc::Status status = stub_->MakePlan(context.get(), request, &response);
    *plan = response.plan();
    return status;
  }

  static gr::PlanSpec Diverse(const std::string& event_id, int groups, uint64_t seed) {
    gr::PlanSpec spec;
    spec.set_event_id(event_id);
    spec.set_group_count(groups);
    spec.set_strategy(gr::STRATEGY_DIVERSE);
    spec.set_seed(seed);
    return spec;
  }

  // participant id -> group number, for one round.
  static std::map<std::string, int> GroupOf(const gr::Round& round) {
    std::map<std::string, int> out;
    for (const auto& g : round.groups()) {
      for (const auto& m : g.members()) {
        EXPECT_TRUE(out.emplace(m.participant_id(), g.number()).second) << "in two groups";
      }
    }
    return out;
  }

  std::string data_dir_;
  std::optional<ServiceProcess> registration_;
  std::optional<ServiceProcess> grouping_;
  std::unique_ptr<reg::RegistrationService::Stub> registration_stub_;
  std::unique_ptr<gr::GroupingService::Stub> stub_;
  std::vector<std::string> ids_;
};

TEST_F(GroupingServerTest, DiversePlanCoversEveryoneOnceMixesCountriesAndIsReproducible) {
  const std::string event = EventWith(51);
  gr::GroupPlan plan, again;
  ASSERT_TRUE(Make(Diverse(event, 4, 7), &plan).ok());
  ASSERT_EQ(plan.rounds_size(), 1);
  const auto group_of = GroupOf(plan.rounds(0));
  EXPECT_EQ(group_of.size(), 51u);
  int smallest = 1000, largest = 0;
  for (const auto& g : plan.rounds(0).groups()) {
    smallest = std::min(smallest, g.members_size());
    largest = std::max(largest, g.members_size());
    std::set<std::string> countries;
    for (const auto& m : g.members()) countries.insert(m.country());
    // 12-13 people from 8 countries: a well-mixed table holds every country.
    EXPECT_EQ(countries.size(), 8u) << "group " << g.number();
  }
  EXPECT_LE(largest - smallest, 1);
  EXPECT_GT(plan.quality().objective(), 0);
  EXPECT_EQ(plan.quality().seed(), 7u);
  EXPECT_EQ(plan.quality().participant_count(), 51);
  ASSERT_TRUE(Make(Diverse(event, 4, 7), &again).ok());
  EXPECT_EQ(GroupOf(again.rounds(0)), group_of);
  EXPECT_NE(again.id(), plan.id());

  // A random plan of the same room is less diverse.
  gr::PlanSpec random = Diverse(event, 4, 7);
  random.set_strategy(gr::STRATEGY_RANDOM);
  gr::GroupPlan shuffled;
  ASSERT_TRUE(Make(random, &shuffled).ok());
  EXPECT_EQ(GroupOf(shuffled.rounds(0)).size(), 51u);
  EXPECT_LT(shuffled.quality().objective(), plan.quality().objective());
}

TEST_F(GroupingServerTest, OneRoundtablePerCountry) {
  const std::string event = EventWith(40);
  gr::PlanSpec spec;
  spec.set_event_id(event);
  spec.set_strategy(gr::STRATEGY_BY_ATTRIBUTE);
  spec.set_by_attribute("country");
  gr::GroupPlan plan;
  ASSERT_TRUE(Make(spec, &plan).ok());
  ASSERT_EQ(plan.rounds(0).groups_size(), 8);
  for (const auto& g : plan.rounds(0).groups()) {
    for (const auto& m : g.members()) EXPECT_EQ(m.country(), g.label());
  }
}

TEST_F(GroupingServerTest, ConstraintsAreHonouredOrReportedImpossible) {
  const std::string event = EventWith(30);
  gr::PlanSpec spec = Diverse(event, 5, 3);
  // ids_[0], ids_[8]: same country (index mod 8), kept together; ids_[2] and ids_[3] kept apart.
  auto* together = spec.add_keep_together();
  together->add_participant_ids(ids_[0]);
  together->add_participant_ids(ids_[8]);
  auto* apart = spec.add_keep_apart();
  apart->add_participant_ids(ids_[2]);
  apart->add_participant_ids(ids_[3]);
  spec.set_spread_facilitators(true);
  gr::GroupPlan plan;
  ASSERT_TRUE(Make(spec, &plan).ok());
  auto group_of = GroupOf(plan.rounds(0));
  EXPECT_EQ(group_of[ids_[0]], group_of[ids_[8]]);
  EXPECT_NE(group_of[ids_[2]], group_of[ids_[3]]);
  EXPECT_NE(group_of[ids_[0]], group_of[ids_[1]]);  // the two facilitators
  ASSERT_EQ(plan.quality().constraint_report_size(), 3);
  for (const auto& line : plan.quality().constraint_report()) {
    EXPECT_THAT(line, HasSubstr("held")) << line;
  }

  // Seven people cannot sit together in groups of six.
  gr::PlanSpec impossible = Diverse(event, 5, 3);
  auto* big = impossible.add_keep_together();
  for (int i = 0; i < 7; ++i) big->add_participant_ids(ids_[i]);
  EXPECT_FALSE(Make(impossible, &plan).ok());
  // An id that is not eligible is named.
  gr::PlanSpec stranger = Diverse(event, 5, 3);
  auto* pair = stranger.add_keep_apart();
  pair->add_participant_ids("par_000000000000");
  pair->add_participant_ids(ids_[1]);
  EXPECT_THAT(Make(stranger, &plan),
              GrpcStatusIs(grpc::StatusCode::FAILED_PRECONDITION, HasSubstr("par_000000000000")));
}

// The known case: 32 people in 8 groups of 4 can meet without any repeat for 9 rounds.
TEST_F(GroupingServerTest, NineRoundsOfEightTablesOfFourWithoutARepeatedPair) {
  const std::string event = EventWith(32);
  gr::PlanSpec spec = Diverse(event, 8, 11);
  spec.set_rounds(9);
  gr::GroupPlan plan;
  ASSERT_TRUE(Make(spec, &plan).ok());
  ASSERT_EQ(plan.rounds_size(), 9);
  // Count repeats independently of the service's own figure.
  std::map<std::pair<std::string, std::string>, int> met;
  int repeats = 0;
  for (const auto& round : plan.rounds()) {
    for (const auto& g : round.groups()) {
      EXPECT_EQ(g.members_size(), 4);
      for (int a = 0; a < g.members_size(); ++a) {
        for (int b = a + 1; b < g.members_size(); ++b) {
          auto key = std::minmax(g.members(a).participant_id(), g.members(b).participant_id());
          if (met[{key.first, key.second}]++ > 0) ++repeats;
        }
      }
    }
  }
  EXPECT_EQ(repeats, 0);
  EXPECT_EQ(plan.quality().repeat_pairs(), 0);
}

TEST_F(GroupingServerTest, MoveRecomputesAndPublishLocks) {
  const std::string event = EventWith(20);
  gr::GroupPlan plan;
  ASSERT_TRUE(Make(Diverse(event, 4, 5), &plan).ok());
  const std::string who = plan.rounds(0).groups(0).members(0).participant_id();
  gr::MoveMemberRequest move;
  move.set_plan_id(plan.id());
  move.set_participant_id(who);
  move.set_to_group(2);
  gr::MoveMemberResponse moved;
  {
    auto context = NewCallContext();
    ASSERT_TRUE(stub_->MoveMember(context.get(), move, &moved).ok());
  }
  EXPECT_EQ(GroupOf(moved.plan().rounds(0))[who], 2);
  EXPECT_EQ(moved.plan().rounds(0).groups(1).members_size(), 6);
  gr::PublishPlanRequest publish;
  publish.set_plan_id(plan.id());
  gr::PublishPlanResponse published;
  {
    auto context = NewCallContext();
    ASSERT_TRUE(stub_->PublishPlan(context.get(), publish, &published).ok());
  }
  EXPECT_TRUE(published.plan().published());
  auto context = NewCallContext();
  EXPECT_THAT(stub_->MoveMember(context.get(), move, &moved),
              GrpcStatusIs(grpc::StatusCode::FAILED_PRECONDITION, HasSubstr("published")));
}

TEST_F(GroupingServerTest, RegistrationDownIsAClearUnavailableAndRecoversWithoutRestart) {
  const std::string event = EventWith(10);
  const int port = registration_->port();
  registration_->Stop(SIGKILL);
  registration_.reset();
  gr::GroupPlan plan;
  const absl::Time start = absl::Now();
  EXPECT_THAT(Make(Diverse(event, 2, 1), &plan),
              GrpcStatusIs(grpc::StatusCode::UNAVAILABLE, HasSubstr("registration")));
  EXPECT_LT(absl::Now() - start, absl::Seconds(9));

  // Registration back on its port and data: the same grouping process plans again.
  auto registration = ServiceProcess::Start("convene-registration", data_dir_ + "/registration",
                                            {}, port);
  ASSERT_TRUE(registration.ok()) << registration.status();
  registration_.emplace(std::move(registration).value());
  grpc::Status status;
  const absl::Time give_up = absl::Now() + absl::Seconds(20);
  do {
    status = Make(Diverse(event, 2, 1), &plan);
    if (status.error_code() != grpc::StatusCode::UNAVAILABLE) break;
    absl::SleepFor(absl::Milliseconds(100));
  } while (absl::Now() < give_up);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(plan.rounds(0).groups_size(), 2);
}

}  // namespace
}  // namespace convene
