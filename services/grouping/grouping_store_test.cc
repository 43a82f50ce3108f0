#include "services/grouping/grouping_store.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "services/common/testing/process.h"
#include "services/common/testing/status_matchers.h"

namespace convene::grouping {
namespace {

namespace reg = ::convene::registration::v1;

using ::convene::testing::IsOk;
using ::convene::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::SizeIs;

MATCHER_P(ProtoEq, want, "") {
  *result_listener << "\n  got:  " << arg.ShortDebugString()
                   << "\n  want: " << want.ShortDebugString();
  return arg.SerializeAsString() == want.SerializeAsString();
}

reg::Participant Person(const std::string& id, const std::string& country) {
  reg::Participant p;
  p.set_id(id);
  p.set_event_id("evt_1");
  p.set_name("Name " + id);
  p.set_email(id + "@example.org");
  p.set_country(country);
  p.set_organization("Org " + id);
  p.set_sector(reg::SECTOR_CIVIL_SOCIETY);
  p.set_gender(reg::GENDER_FEMALE);
  p.set_role(reg::ROLE_PARTICIPANT);
  p.set_status(reg::PARTICIPANT_STATUS_CONFIRMED);
  p.add_check_in_days("2024-05-14");
  (*p.mutable_attributes())["language"] = "en";
  p.set_arrival(1);
  return p;
}

StoredPlan MakeStoredPlan(const std::string& id, const std::string& event_id) {
  StoredPlan stored;
  v1::GroupPlan& plan = stored.plan;
  plan.set_id(id);
  plan.set_event_id(event_id);
  plan.mutable_spec()->set_event_id(event_id);
  plan.mutable_spec()->set_group_count(2);
  plan.mutable_spec()->set_strategy(v1::STRATEGY_DIVERSE);
  v1::AttributeWeight* w = plan.mutable_spec()->add_weights();
  w->set_attribute("country");
  w->set_weight(3);
  plan.mutable_spec()->add_keep_apart()->add_participant_ids("par_c");
  plan.mutable_spec()->mutable_keep_apart(0)->add_participant_ids("par_a");
  v1::Round* round = plan.add_rounds();
  round->set_number(1);
  for (int g = 0; g < 2; ++g) {
    v1::Group* group = round->add_groups();
    group->set_number(g + 1);
    group->set_diversity(3.5 + g);
    v1::Member* m = group->add_members();
    m->set_participant_id(g == 0 ? "par_c" : "par_a");
    m->set_name("someone");
    m->set_country("MY");
    v1::AttributeCounts* counts = group->add_counts();
    counts->set_attribute("country");
    v1::ValueCount* vc = counts->add_values();
    vc->set_value("MY");
    vc->set_count(1);
  }
  plan.mutable_quality()->set_objective(7.25);
  plan.mutable_quality()->set_seed(12345);
  plan.mutable_quality()->set_participant_count(3);
  plan.mutable_quality()->add_constraint_report("keep apart par_c, par_a: held in every round");
  plan.mutable_create_time()->set_seconds(1700000000);
  plan.mutable_update_time()->set_seconds(1700000000);
  stored.people = {Person("par_c", "MY"), Person("par_a", "ID"), Person("par_b", "TH")};
  return stored;
}

std::vector<std::string> IdsOf(const std::vector<v1::GroupPlan>& plans) {
  std::vector<std::string> ids;
  for (const v1::GroupPlan& p : plans) ids.push_back(p.id());
  return ids;
}

class GroupingStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = ::convene::testing::MakeTempDir("grouping_store");
    ASSERT_FALSE(dir_.empty());
    path_ = dir_ + "/grouping.db";
    Reopen();
  }

  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  void Reopen() {
    store_.reset();
    absl::StatusOr<std::unique_ptr<GroupingStore>> store = GroupingStore::Open(path_);
    ASSERT_THAT(store, IsOk());
    store_ = std::move(*store);
  }

  void Insert(const StoredPlan& stored) {
    auto txn = store_->BeginWrite();
    ASSERT_THAT(txn->status(), IsOk());
    ASSERT_THAT(store_->InsertPlan(stored), IsOk());
    ASSERT_THAT(txn->Commit(), IsOk());
  }

  absl::StatusOr<StoredPlan> Get(const std::string& id) {
    auto lock = store_->LockForRead();
    return store_->GetPlan(id);
  }

  absl::StatusOr<std::vector<v1::GroupPlan>> OfEvent(const std::string& event_id) {
    auto lock = store_->LockForRead();
    return store_->PlansOfEvent(event_id);
  }

  std::string dir_;
  std::string path_;
  std::unique_ptr<GroupingStore> store_;
};

TEST_F(GroupingStoreTest, OpensARealFile) { EXPECT_TRUE(std::filesystem::exists(path_)); }

TEST_F(GroupingStoreTest, InsertThenGetRoundTrips) {
  const StoredPlan stored = MakeStoredPlan("gpl_1", "evt_1");
  Insert(stored);
  absl::StatusOr<StoredPlan> got = Get("gpl_1");
  ASSERT_THAT(got, IsOk());
  EXPECT_THAT(got->plan, ProtoEq(stored.plan));
  ASSERT_THAT(got->people, SizeIs(3));
  for (size_t i = 0; i < stored.people.size(); ++i) {
    EXPECT_THAT(got->people[i], ProtoEq(stored.people[i])) << i;
  }
  EXPECT_EQ(got->people[0].id(), "par_c");  // the solver's order, not sorted
  EXPECT_EQ(got->people[1].id(), "par_a");
  EXPECT_EQ(got->people[2].id(), "par_b");
}

TEST_F(GroupingStoreTest, PlanWithoutPeopleRoundTrips) {
  StoredPlan stored = MakeStoredPlan("gpl_empty", "evt_1");
  stored.people.clear();
  Insert(stored);
  absl::StatusOr<StoredPlan> got = Get("gpl_empty");
  ASSERT_THAT(got, IsOk());
  EXPECT_THAT(got->plan, ProtoEq(stored.plan));
  EXPECT_THAT(got->people, IsEmpty());
}

TEST_F(GroupingStoreTest, DuplicateIdIsRefused) {
  Insert(MakeStoredPlan("gpl_1", "evt_1"));
  auto txn = store_->BeginWrite();
  EXPECT_THAT(store_->InsertPlan(MakeStoredPlan("gpl_1", "evt_2")),
              StatusIs(absl::StatusCode::kAlreadyExists, HasSubstr("UNIQUE")));
}

TEST_F(GroupingStoreTest, UpdateRewritesThePlanNotThePeople) {
  const StoredPlan stored = MakeStoredPlan("gpl_1", "evt_1");
  Insert(stored);
  v1::GroupPlan changed = stored.plan;
  changed.set_published(true);
  changed.mutable_quality()->set_objective(99.5);
  changed.mutable_rounds(0)->mutable_groups(0)->mutable_members(0)->set_participant_id("par_b");
  changed.mutable_update_time()->set_seconds(1700000500);
  {
    auto txn = store_->BeginWrite();
    ASSERT_THAT(store_->UpdatePlan(changed), IsOk());
    ASSERT_THAT(txn->Commit(), IsOk());
  }
  absl::StatusOr<StoredPlan> got = Get("gpl_1");
  ASSERT_THAT(got, IsOk());
  EXPECT_THAT(got->plan, ProtoEq(changed));
  ASSERT_THAT(got->people, SizeIs(3));
  for (size_t i = 0; i < stored.people.size(); ++i) {
    EXPECT_THAT(got->people[i], ProtoEq(stored.people[i])) << i;
  }
}

TEST_F(GroupingStoreTest, MissingPlanIsNotFoundNamingTheId) {
  EXPECT_THAT(Get("gpl_nope"), StatusIs(absl::StatusCode::kNotFound, HasSubstr("gpl_nope")));
  Insert(MakeStoredPlan("gpl_1", "evt_1"));
  EXPECT_THAT(Get("gpl_nope"), StatusIs(absl::StatusCode::kNotFound, HasSubstr("gpl_nope")));

  auto txn = store_->BeginWrite();
  v1::GroupPlan ghost = MakeStoredPlan("gpl_ghost", "evt_1").plan;
  EXPECT_THAT(store_->UpdatePlan(ghost),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("gpl_ghost")));
}

TEST_F(GroupingStoreTest, PlansOfEventNewestFirstAndOnlyThatEvent) {
  Insert(MakeStoredPlan("gpl_a", "evt_1"));
  Insert(MakeStoredPlan("gpl_b", "evt_2"));
  Insert(MakeStoredPlan("gpl_c", "evt_1"));
  Insert(MakeStoredPlan("gpl_0", "evt_1"));  // newest, though its id sorts first

  absl::StatusOr<std::vector<v1::GroupPlan>> plans = OfEvent("evt_1");
  ASSERT_THAT(plans, IsOk());
  EXPECT_THAT(IdsOf(*plans), ElementsAre("gpl_0", "gpl_c", "gpl_a"));
  EXPECT_THAT(plans->back(), ProtoEq(MakeStoredPlan("gpl_a", "evt_1").plan));

  plans = OfEvent("evt_2");
  ASSERT_THAT(plans, IsOk());
  EXPECT_THAT(IdsOf(*plans), ElementsAre("gpl_b"));

  plans = OfEvent("evt_none");
  ASSERT_THAT(plans, IsOk());
  EXPECT_THAT(*plans, IsEmpty());

  // An update does not make a plan newer.
  v1::GroupPlan changed = MakeStoredPlan("gpl_a", "evt_1").plan;
  changed.set_published(true);
  {
    auto txn = store_->BeginWrite();
    ASSERT_THAT(store_->UpdatePlan(changed), IsOk());
    ASSERT_THAT(txn->Commit(), IsOk());
  }
  plans = OfEvent("evt_1");
  ASSERT_THAT(plans, IsOk());
  EXPECT_THAT(IdsOf(*plans), ElementsAre("gpl_0", "gpl_c", "gpl_a"));
  EXPECT_TRUE(plans->back().published());
}

TEST_F(GroupingStoreTest, ReopenKeepsEverything) {
  const StoredPlan first = MakeStoredPlan("gpl_a", "evt_1");
  const StoredPlan second = MakeStoredPlan("gpl_b", "evt_1");
  Insert(first);
  Insert(second);
  v1::GroupPlan changed = first.plan;
  changed.set_published(true);
  {
    auto txn = store_->BeginWrite();
    ASSERT_THAT(store_->UpdatePlan(changed), IsOk());
    ASSERT_THAT(txn->Commit(), IsOk());
  }
  Reopen();
  absl::StatusOr<StoredPlan> got = Get("gpl_a");
  ASSERT_THAT(got, IsOk());
  EXPECT_THAT(got->plan, ProtoEq(changed));
  ASSERT_THAT(got->people, SizeIs(3));
  EXPECT_THAT(got->people[2], ProtoEq(first.people[2]));
  absl::StatusOr<std::vector<v1::GroupPlan>> plans = OfEvent("evt_1");
  ASSERT_THAT(plans, IsOk());
  EXPECT_THAT(IdsOf(*plans), ElementsAre("gpl_b", "gpl_a"));

  // Opening again (migrations already applied) keeps working and writing.
  Reopen();
  Insert(MakeStoredPlan("gpl_c", "evt_1"));
  plans = OfEvent("evt_1");
  ASSERT_THAT(plans, IsOk());
  EXPECT_THAT(IdsOf(*plans), ElementsAre("gpl_c", "gpl_b", "gpl_a"));
}

TEST_F(GroupingStoreTest, UncommittedWriteLeavesNothing) {
  Insert(MakeStoredPlan("gpl_kept", "evt_1"));
  {
    auto txn = store_->BeginWrite();
    ASSERT_THAT(txn->status(), IsOk());
    ASSERT_THAT(store_->InsertPlan(MakeStoredPlan("gpl_lost", "evt_1")), IsOk());
    v1::GroupPlan changed = MakeStoredPlan("gpl_kept", "evt_1").plan;
    changed.set_published(true);
    ASSERT_THAT(store_->UpdatePlan(changed), IsOk());
    // No Commit: the transaction rolls back when it goes away.
  }
  EXPECT_THAT(Get("gpl_lost"), StatusIs(absl::StatusCode::kNotFound, HasSubstr("gpl_lost")));
  absl::StatusOr<StoredPlan> kept = Get("gpl_kept");
  ASSERT_THAT(kept, IsOk());
  EXPECT_FALSE(kept->plan.published());
  absl::StatusOr<std::vector<v1::GroupPlan>> plans = OfEvent("evt_1");
  ASSERT_THAT(plans, IsOk());
  EXPECT_THAT(IdsOf(*plans), ElementsAre("gpl_kept"));

  Reopen();
  EXPECT_THAT(Get("gpl_lost"), StatusIs(absl::StatusCode::kNotFound, HasSubstr("gpl_lost")));
  kept = Get("gpl_kept");
  ASSERT_THAT(kept, IsOk());
  EXPECT_FALSE(kept->plan.published());
}

}  // namespace
}  // namespace convene::grouping
