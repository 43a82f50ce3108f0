#include "services/grouping/plan_rules.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "services/common/limits.h"
#include "services/common/testing/status_matchers.h"

namespace convene::grouping {
namespace {

using ::convene::testing::IsOk;
using ::convene::testing::StatusIs;
using ::testing::DoubleEq;
using ::testing::DoubleNear;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Pair;
using ::testing::SizeIs;
using ::testing::UnorderedElementsAre;

reg::Participant Person(const std::string& id, const std::string& country,
                        reg::Sector sector = reg::SECTOR_GOVERNMENT,
                        reg::Gender gender = reg::GENDER_FEMALE,
                        reg::Role role = reg::ROLE_PARTICIPANT) {
  reg::Participant p;
  p.set_id(id);
  p.set_event_id("evt_1");
  p.set_name("Name " + id);
  p.set_email(id + "@example.org");
  p.set_country(country);
  p.set_sector(sector);
  p.set_gender(gender);
  p.set_role(role);
  p.set_organization("Org of " + id);
  p.set_status(reg::PARTICIPANT_STATUS_CONFIRMED);
  return p;
}

v1::PlanSpec BaseSpec() {
  v1::PlanSpec spec;
  spec.set_event_id("evt_1");
  spec.set_group_count(3);
  return spec;
}

std::vector<std::pair<std::string, double>> Weights(const v1::PlanSpec& spec) {
  std::vector<std::pair<std::string, double>> out;
  for (const v1::AttributeWeight& w : spec.weights()) out.emplace_back(w.attribute(), w.weight());
  return out;
}

std::vector<std::string> Ids(const std::vector<reg::Participant>& people) {
  std::vector<std::string> ids;
  for (const reg::Participant& p : people) ids.push_back(p.id());
  return ids;
}

std::vector<std::string> Ids(const v1::Group& group) {
  std::vector<std::string> ids;
  for (const v1::Member& m : group.members()) ids.push_back(m.participant_id());
  return ids;
}

void AddSet(google::protobuf::RepeatedPtrField<v1::ParticipantSet>* sets,
            const std::vector<std::string>& ids) {
  v1::ParticipantSet* set = sets->Add();
  for (const std::string& id : ids) set->add_participant_ids(id);
}

void AddWeight(v1::PlanSpec& spec, const std::string& attribute, double weight) {
  v1::AttributeWeight* w = spec.add_weights();
  w->set_attribute(attribute);
  w->set_weight(weight);
}

// ---------------------------------------------------------------------------------------------
// NormalizeSpec

TEST(NormalizeSpecTest, EventIdIsRequired) {
  v1::PlanSpec spec = BaseSpec();
  spec.clear_event_id();
  EXPECT_THAT(NormalizeSpec(spec),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("event_id")));
}

TEST(NormalizeSpecTest, FillsDefaults) {
  v1::PlanSpec spec = BaseSpec();
  ASSERT_THAT(NormalizeSpec(spec), IsOk());
  EXPECT_EQ(spec.strategy(), v1::STRATEGY_DIVERSE);
  EXPECT_EQ(spec.rounds(), 1);
  EXPECT_THAT(Weights(spec),
              ElementsAre(Pair("country", 3.0), Pair("sector", 2.0), Pair("gender", 1.0)));
}

TEST(NormalizeSpecTest, KeepsGivenWeightsNormalizingTheirNames) {
  v1::PlanSpec spec = BaseSpec();
  AddWeight(spec, "  Language ", 2.5);
  AddWeight(spec, "country", 0);
  spec.set_rounds(3);
  ASSERT_THAT(NormalizeSpec(spec), IsOk());
  EXPECT_EQ(spec.rounds(), 3);
  EXPECT_THAT(Weights(spec), ElementsAre(Pair("language", 2.5), Pair("country", 0.0)));
}

TEST(NormalizeSpecTest, RandomStrategyGetsNoDefaultWeights) {
  v1::PlanSpec spec = BaseSpec();
  spec.set_strategy(v1::STRATEGY_RANDOM);
  ASSERT_THAT(NormalizeSpec(spec), IsOk());
  EXPECT_THAT(spec.weights(), IsEmpty());
}

TEST(NormalizeSpecTest, SetDefaultWeightsReplacesWeights) {
  v1::PlanSpec spec = BaseSpec();
  AddWeight(spec, "language", 9);
  SetDefaultWeights(spec);
  EXPECT_THAT(Weights(spec),
              ElementsAre(Pair("country", 3.0), Pair("sector", 2.0), Pair("gender", 1.0)));
}

TEST(NormalizeSpecTest, RejectsAnInvalidStrategy) {
  v1::PlanSpec spec = BaseSpec();
  spec.set_strategy(static_cast<v1::Strategy>(42));
  EXPECT_THAT(NormalizeSpec(spec),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("strategy")));
}

TEST(NormalizeSpecTest, GroupCountOrGroupSizeIsRequiredButNotBoth) {
  v1::PlanSpec spec = BaseSpec();
  spec.set_group_size(5);
  EXPECT_THAT(NormalizeSpec(spec),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("not both")));

  v1::PlanSpec neither = BaseSpec();
  neither.clear_group_count();
  EXPECT_THAT(NormalizeSpec(neither),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("group_count")));

  v1::PlanSpec by_size = BaseSpec();
  by_size.clear_group_count();
  by_size.set_group_size(5);
  EXPECT_THAT(NormalizeSpec(by_size), IsOk());
}

TEST(NormalizeSpecTest, RejectsNegativeValuesNamingTheField) {
  struct Case {
    std::string field;
    void (v1::PlanSpec::*set)(int32_t);
  };
  for (const Case& c :
       {Case{"group_count", &v1::PlanSpec::set_group_count},
        Case{"group_size", &v1::PlanSpec::set_group_size},
        Case{"min_size", &v1::PlanSpec::set_min_size},
        Case{"max_size", &v1::PlanSpec::set_max_size}, Case{"rounds", &v1::PlanSpec::set_rounds}}) {
    SCOPED_TRACE(c.field);
    v1::PlanSpec spec = BaseSpec();
    (spec.*c.set)(-1);
    EXPECT_THAT(NormalizeSpec(spec),
                StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr(c.field)));
  }
}

TEST(NormalizeSpecTest, RejectsMinSizeAboveMaxSize) {
  v1::PlanSpec spec = BaseSpec();
  spec.set_min_size(6);
  spec.set_max_size(5);
  EXPECT_THAT(NormalizeSpec(spec),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("min_size")));

  v1::PlanSpec equal = BaseSpec();
  equal.set_min_size(5);
  equal.set_max_size(5);
  EXPECT_THAT(NormalizeSpec(equal), IsOk());

  v1::PlanSpec only_min = BaseSpec();  // max_size 0 means no explicit maximum
  only_min.set_min_size(6);
  EXPECT_THAT(NormalizeSpec(only_min), IsOk());
}

TEST(NormalizeSpecTest, ByAttributeNeedsTheAttributeAndOneRound) {
  v1::PlanSpec spec;
  spec.set_event_id("evt_1");
  spec.set_strategy(v1::STRATEGY_BY_ATTRIBUTE);
  EXPECT_THAT(NormalizeSpec(spec),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("by_attribute")));

  spec.set_by_attribute("   ");
  EXPECT_THAT(NormalizeSpec(spec),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("by_attribute")));

  spec.set_by_attribute(" Country ");
  spec.set_rounds(2);
  EXPECT_THAT(NormalizeSpec(spec),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("rounds")));

  spec.set_rounds(0);
  ASSERT_THAT(NormalizeSpec(spec), IsOk());  // no group count needed
  EXPECT_EQ(spec.by_attribute(), "country");
  EXPECT_EQ(spec.rounds(), 1);
  EXPECT_THAT(spec.weights(), IsEmpty());
}

TEST(NormalizeSpecTest, CheckedInNeedsAValidDay) {
  v1::PlanSpec spec = BaseSpec();
  spec.set_eligibility(v1::ELIGIBILITY_CHECKED_IN);
  EXPECT_THAT(NormalizeSpec(spec),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("checked_in_day")));

  spec.set_checked_in_day("2024-02-30");
  EXPECT_THAT(NormalizeSpec(spec),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("checked_in_day")));

  spec.set_checked_in_day("tomorrow");
  EXPECT_THAT(NormalizeSpec(spec),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("checked_in_day")));

  spec.set_checked_in_day("2024-05-14");
  EXPECT_THAT(NormalizeSpec(spec), IsOk());
}

TEST(NormalizeSpecTest, RejectsAnInvalidEligibility) {
  v1::PlanSpec spec = BaseSpec();
  spec.set_eligibility(static_cast<v1::Eligibility>(9));
  EXPECT_THAT(NormalizeSpec(spec),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("eligibility")));
}

TEST(NormalizeSpecTest, KeepSetsNeedTwoDistinctIds) {
  for (const std::vector<std::string>& ids : std::vector<std::vector<std::string>>{
           {}, {"par_a"}, {"par_a", "par_a"}, {"par_a", " par_a ", ""}}) {
    v1::PlanSpec together = BaseSpec();
    AddSet(together.mutable_keep_together(), ids);
    EXPECT_THAT(NormalizeSpec(together),
                StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("keep_together")));

    v1::PlanSpec apart = BaseSpec();
    AddSet(apart.mutable_keep_apart(), ids);
    EXPECT_THAT(NormalizeSpec(apart),
                StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("keep_apart")));
  }
}

TEST(NormalizeSpecTest, KeepSetsLoseDuplicatesAndBlanks) {
  v1::PlanSpec spec = BaseSpec();
  AddSet(spec.mutable_keep_together(), {"par_b", "par_a", " par_b", "", "par_a "});
  AddSet(spec.mutable_keep_apart(), {"par_c", "par_d", "par_c"});
  ASSERT_THAT(NormalizeSpec(spec), IsOk());
  EXPECT_THAT(spec.keep_together(0).participant_ids(), ElementsAre("par_b", "par_a"));
  EXPECT_THAT(spec.keep_apart(0).participant_ids(), ElementsAre("par_c", "par_d"));
}

TEST(NormalizeSpecTest, RejectsDuplicateWeightAttributes) {
  v1::PlanSpec spec = BaseSpec();
  AddWeight(spec, "country", 1);
  AddWeight(spec, " Country", 2);
  EXPECT_THAT(NormalizeSpec(spec),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("weights")));
  EXPECT_THAT(NormalizeSpec(spec),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("country appears twice")));
}

TEST(NormalizeSpecTest, RejectsBadWeights) {
  for (double bad : {-1.0, -0.001, std::numeric_limits<double>::quiet_NaN(),
                     std::numeric_limits<double>::infinity()}) {
    SCOPED_TRACE(bad);
    v1::PlanSpec spec = BaseSpec();
    AddWeight(spec, "country", bad);
    EXPECT_THAT(NormalizeSpec(spec),
                StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("weights")));
  }
  v1::PlanSpec unnamed = BaseSpec();
  AddWeight(unnamed, "  ", 1);
  EXPECT_THAT(NormalizeSpec(unnamed),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("weights")));
}

TEST(NormalizeSpecTest, LimitsNameTheFieldAndTheLimit) {
  {
    v1::PlanSpec spec = BaseSpec();
    spec.set_group_count(kMaxGroups + 1);
    EXPECT_THAT(NormalizeSpec(spec), StatusIs(absl::StatusCode::kInvalidArgument,
                                              HasSubstr("group_count: 1001 groups, at most 1000")));
  }
  {
    v1::PlanSpec spec = BaseSpec();
    spec.set_rounds(kMaxRounds + 1);
    EXPECT_THAT(NormalizeSpec(spec), StatusIs(absl::StatusCode::kInvalidArgument,
                                              HasSubstr("rounds: 51 rounds, at most 50")));
  }
  {
    v1::PlanSpec spec = BaseSpec();
    for (int i = 0; i < kMaxListItems; ++i) AddWeight(spec, absl::StrCat("attribute_", i), 1);
    EXPECT_THAT(NormalizeSpec(spec), IsOk());
    AddWeight(spec, "one_more", 1);
    EXPECT_THAT(NormalizeSpec(spec), StatusIs(absl::StatusCode::kInvalidArgument,
                                              HasSubstr("weights: 51 attributes, at most 50")));
  }
  {
    v1::PlanSpec spec = BaseSpec();
    AddWeight(spec, std::string(kMaxKeyLength + 1, 'a'), 1);
    EXPECT_THAT(NormalizeSpec(spec), StatusIs(absl::StatusCode::kInvalidArgument,
                                              HasSubstr("weights: 101 characters, at most 100")));
  }
  {
    v1::PlanSpec spec = BaseSpec();
    spec.set_strategy(v1::STRATEGY_BY_ATTRIBUTE);
    spec.set_by_attribute(std::string(kMaxKeyLength + 1, 'a'));
    EXPECT_THAT(NormalizeSpec(spec), StatusIs(absl::StatusCode::kInvalidArgument,
                                              HasSubstr("by_attribute: 101 characters")));
  }
  {
    v1::PlanSpec spec = BaseSpec();
    spec.set_event_id(std::string(kMaxKeyLength + 1, 'e'));
    EXPECT_THAT(NormalizeSpec(spec), StatusIs(absl::StatusCode::kInvalidArgument,
                                              HasSubstr("event_id: 101 characters")));
  }
  {
    v1::PlanSpec spec = BaseSpec();
    for (int i = 0; i <= kMaxConstraintSets; ++i) {
      AddSet(spec.mutable_keep_apart(), {absl::StrCat("par_a", i), absl::StrCat("par_b", i)});
    }
    EXPECT_THAT(NormalizeSpec(spec), StatusIs(absl::StatusCode::kInvalidArgument,
                                              HasSubstr("keep_apart: 1001 sets, at most 1000")));
  }
  {
    v1::PlanSpec spec = BaseSpec();
    std::vector<std::string> ids;
    for (int i = 0; i <= kMaxPlanParticipants; ++i) ids.push_back(absl::StrCat("par_", i));
    AddSet(spec.mutable_keep_together(), ids);
    EXPECT_THAT(NormalizeSpec(spec),
                StatusIs(absl::StatusCode::kInvalidArgument,
                         HasSubstr("keep_together: 3001 participants, at most 3000")));
  }
  {
    v1::PlanSpec spec = BaseSpec();
    AddSet(spec.mutable_keep_together(), {"par_a", std::string(kMaxKeyLength + 1, 'p')});
    EXPECT_THAT(NormalizeSpec(spec), StatusIs(absl::StatusCode::kInvalidArgument,
                                              HasSubstr("keep_together: 101 characters")));
  }
}

TEST(CheckPlanSizeTest, MoreEligibleThanAPlanMixesIsResourceExhausted) {
  EXPECT_THAT(CheckPlanSize(kMaxPlanParticipants), IsOk());
  EXPECT_THAT(
      CheckPlanSize(kMaxPlanParticipants + 1),
      StatusIs(absl::StatusCode::kResourceExhausted,
               HasSubstr("3001 participants are eligible, and one plan mixes at most 3000")));
}

// ---------------------------------------------------------------------------------------------
// Eligible

TEST(EligibleTest, OnlyConfirmedInArrivalOrder) {
  std::vector<reg::Participant> all = {Person("p1", "MY"), Person("p2", "ID"), Person("p3", "TH"),
                                       Person("p4", "VN"), Person("p5", "PH")};
  all[1].set_status(reg::PARTICIPANT_STATUS_WAITLISTED);
  all[2].set_status(reg::PARTICIPANT_STATUS_CANCELLED);
  all[3].set_status(reg::PARTICIPANT_STATUS_UNSPECIFIED);
  v1::PlanSpec spec = BaseSpec();
  EXPECT_THAT(Ids(Eligible(spec, all)), ElementsAre("p1", "p5"));
}

TEST(EligibleTest, CheckedInFiltersOnTheDay) {
  std::vector<reg::Participant> all = {Person("p1", "MY"), Person("p2", "ID"), Person("p3", "TH"),
                                       Person("p4", "VN")};
  all[0].add_check_in_days("2024-05-13");
  all[0].add_check_in_days("2024-05-14");
  all[1].add_check_in_days("2024-05-13");
  all[2].add_check_in_days("2024-05-14");
  all[2].set_status(reg::PARTICIPANT_STATUS_CANCELLED);  // checked in, then cancelled
  v1::PlanSpec spec = BaseSpec();
  spec.set_eligibility(v1::ELIGIBILITY_CHECKED_IN);
  spec.set_checked_in_day("2024-05-14");
  EXPECT_THAT(Ids(Eligible(spec, all)), ElementsAre("p1"));
  spec.set_checked_in_day("2024-05-13");
  EXPECT_THAT(Ids(Eligible(spec, all)), ElementsAre("p1", "p2"));

  spec.set_eligibility(v1::ELIGIBILITY_CONFIRMED);  // the day is ignored
  EXPECT_THAT(Ids(Eligible(spec, all)), ElementsAre("p1", "p2", "p4"));
}

// ---------------------------------------------------------------------------------------------
// AttributeValue

TEST(AttributeValueTest, StandardAttributesInDisplayForm) {
  reg::Participant p =
      Person("p1", "MY", reg::SECTOR_CIVIL_SOCIETY, reg::GENDER_UNDISCLOSED, reg::ROLE_FACILITATOR);
  p.set_organization("  Transparency INTERNATIONAL ");
  EXPECT_EQ(AttributeValue(p, "country"), "MY");
  EXPECT_EQ(AttributeValue(p, "sector"), "civil-society");
  EXPECT_EQ(AttributeValue(p, "gender"), "undisclosed");
  EXPECT_EQ(AttributeValue(p, "role"), "facilitator");
  EXPECT_EQ(AttributeValue(p, "organization"), "transparency international");
  EXPECT_EQ(AttributeValue(p, "organisation"), "transparency international");

  p.set_sector(reg::SECTOR_INTERNATIONAL_ORGANISATION);
  EXPECT_EQ(AttributeValue(p, "sector"), "international-organisation");
  p.set_sector(reg::SECTOR_ANTI_CORRUPTION_BODY);
  EXPECT_EQ(AttributeValue(p, "sector"), "anti-corruption-body");
}

TEST(AttributeValueTest, UnspecifiedAndMissingAreEmpty) {
  reg::Participant p;
  p.set_id("p1");
  EXPECT_EQ(AttributeValue(p, "country"), "");
  EXPECT_EQ(AttributeValue(p, "sector"), "");
  EXPECT_EQ(AttributeValue(p, "gender"), "");
  EXPECT_EQ(AttributeValue(p, "role"), "");
  EXPECT_EQ(AttributeValue(p, "organization"), "");
  EXPECT_EQ(AttributeValue(p, "language"), "");
}

TEST(AttributeValueTest, CustomAttributes) {
  reg::Participant p = Person("p1", "MY");
  (*p.mutable_attributes())["language"] = "French";
  (*p.mutable_attributes())["track"] = "investigations";
  EXPECT_EQ(AttributeValue(p, "language"), "French");
  EXPECT_EQ(AttributeValue(p, "track"), "investigations");
  EXPECT_EQ(AttributeValue(p, "region"), "");
}

// ---------------------------------------------------------------------------------------------
// CheckAttributesKnown

TEST(CheckAttributesKnownTest, RejectsATypoNamingWeights) {
  std::vector<reg::Participant> people = {Person("p1", "MY"), Person("p2", "ID")};
  v1::PlanSpec spec = BaseSpec();
  ASSERT_THAT(NormalizeSpec(spec), IsOk());
  EXPECT_THAT(CheckAttributesKnown(spec, people), IsOk());
  AddWeight(spec, "contry", 1);
  EXPECT_THAT(CheckAttributesKnown(spec, people),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       ::testing::AllOf(HasSubstr("weights"), HasSubstr("contry"))));
}

TEST(CheckAttributesKnownTest, AcceptsACustomAttributeSomeoneHas) {
  std::vector<reg::Participant> people = {Person("p1", "MY"), Person("p2", "ID")};
  (*people[1].mutable_attributes())["language"] = "en";
  v1::PlanSpec spec = BaseSpec();
  AddWeight(spec, "language", 1);
  ASSERT_THAT(NormalizeSpec(spec), IsOk());
  EXPECT_THAT(CheckAttributesKnown(spec, people), IsOk());
}

TEST(CheckAttributesKnownTest, ByAttributeTypoNamesByAttribute) {
  std::vector<reg::Participant> people = {Person("p1", "MY"), Person("p2", "ID")};
  v1::PlanSpec spec;
  spec.set_event_id("evt_1");
  spec.set_strategy(v1::STRATEGY_BY_ATTRIBUTE);
  spec.set_by_attribute("langauge");
  ASSERT_THAT(NormalizeSpec(spec), IsOk());
  EXPECT_THAT(CheckAttributesKnown(spec, people),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       ::testing::AllOf(HasSubstr("by_attribute"), HasSubstr("langauge"))));
  spec.set_by_attribute("country");
  EXPECT_THAT(CheckAttributesKnown(spec, people), IsOk());
}

TEST(CheckAttributesKnownTest, NobodyToCheckIsOk) {
  v1::PlanSpec spec = BaseSpec();
  AddWeight(spec, "contry", 1);
  EXPECT_THAT(CheckAttributesKnown(spec, {}), IsOk());
}

// ---------------------------------------------------------------------------------------------
// PlanBounds

std::vector<std::pair<int, int>> AsPairs(const std::vector<GroupBounds>& bounds) {
  std::vector<std::pair<int, int>> out;
  for (const GroupBounds& b : bounds) out.emplace_back(b.min_size, b.max_size);
  return out;
}

TEST(PlanBoundsTest, FromGroupCount) {
  v1::PlanSpec spec = BaseSpec();
  spec.set_group_count(4);
  absl::StatusOr<std::vector<GroupBounds>> bounds = PlanBounds(spec, 51);
  ASSERT_THAT(bounds, IsOk());
  EXPECT_THAT(AsPairs(*bounds),
              ElementsAre(Pair(12, 13), Pair(12, 13), Pair(12, 13), Pair(12, 13)));

  bounds = PlanBounds(spec, 48);
  ASSERT_THAT(bounds, IsOk());
  EXPECT_THAT(AsPairs(*bounds),
              ElementsAre(Pair(12, 12), Pair(12, 12), Pair(12, 12), Pair(12, 12)));
}

TEST(PlanBoundsTest, FromGroupSize) {
  v1::PlanSpec spec = BaseSpec();
  spec.clear_group_count();
  spec.set_group_size(5);
  absl::StatusOr<std::vector<GroupBounds>> bounds = PlanBounds(spec, 23);
  ASSERT_THAT(bounds, IsOk());
  ASSERT_THAT(*bounds, SizeIs(5));
  for (const GroupBounds& b : *bounds) {
    EXPECT_EQ(b.min_size, 4);
    EXPECT_EQ(b.max_size, 5);
  }
  bounds = PlanBounds(spec, 3);  // fewer people than one group: one group
  ASSERT_THAT(bounds, IsOk());
  EXPECT_THAT(AsPairs(*bounds), ElementsAre(Pair(3, 3)));
}

TEST(PlanBoundsTest, MoreGroupsThanPeopleRejected) {
  v1::PlanSpec spec = BaseSpec();
  spec.set_group_count(8);
  EXPECT_THAT(PlanBounds(spec, 7),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("group_count")));
  EXPECT_THAT(PlanBounds(spec, 8), IsOk());
}

TEST(PlanBoundsTest, ExplicitBoundsNarrowOrAreRejected) {
  v1::PlanSpec spec = BaseSpec();
  spec.set_group_count(4);
  spec.set_min_size(4);
  spec.set_max_size(6);
  absl::StatusOr<std::vector<GroupBounds>> bounds = PlanBounds(spec, 20);
  ASSERT_THAT(bounds, IsOk());
  EXPECT_THAT(AsPairs(*bounds), ElementsAre(Pair(4, 6), Pair(4, 6), Pair(4, 6), Pair(4, 6)));

  v1::PlanSpec too_big = BaseSpec();
  too_big.set_group_count(4);
  too_big.set_min_size(6);  // 24 seats at least for 20 people
  EXPECT_THAT(PlanBounds(too_big, 20),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("min_size")));

  v1::PlanSpec too_small = BaseSpec();
  too_small.set_group_count(4);
  too_small.set_max_size(4);  // 16 seats at most for 20 people
  EXPECT_THAT(PlanBounds(too_small, 20),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("max_size")));

  v1::PlanSpec both = BaseSpec();
  both.set_group_count(4);
  both.set_min_size(2);
  both.set_max_size(3);
  EXPECT_THAT(PlanBounds(both, 20),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("max_size")));
}

TEST(PlanBoundsTest, NobodyEligible) {
  v1::PlanSpec spec = BaseSpec();
  EXPECT_THAT(PlanBounds(spec, 0),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("nobody")));
}

// ---------------------------------------------------------------------------------------------
// BuildProblem

// A random population over a few values of every attribute the tests weigh.
std::vector<reg::Participant> RandomPeople(int n, uint32_t seed) {
  std::mt19937 rng(seed);
  const std::vector<std::string> countries = {"MY", "ID", "TH", ""};
  const std::vector<std::string> orgs = {"UNDP", " undp", "Ministry of Justice", ""};
  const std::vector<std::string> languages = {"", "en", "fr"};
  auto pick = [&](int size) { return std::uniform_int_distribution<int>(0, size - 1)(rng); };
  std::vector<reg::Participant> people;
  for (int i = 0; i < n; ++i) {
    reg::Participant p =
        Person("p" + std::to_string(i), countries[pick(4)], static_cast<reg::Sector>(pick(4)),
               static_cast<reg::Gender>(pick(3)), static_cast<reg::Role>(pick(5)));
    p.set_organization(orgs[pick(4)]);
    const std::string language = languages[pick(3)];
    if (!language.empty()) (*p.mutable_attributes())["language"] = language;
    people.push_back(std::move(p));
  }
  return people;
}

// The expected weighted count of differences, computed from the raw fields.
double ExpectedDissimilarity(const reg::Participant& a, const reg::Participant& b,
                             const std::map<std::string, double>& weights) {
  auto org = [](const reg::Participant& p) {
    return absl::AsciiStrToLower(absl::StripAsciiWhitespace(p.organization()));
  };
  auto language = [](const reg::Participant& p) {
    auto it = p.attributes().find("language");
    return it == p.attributes().end() ? std::string() : it->second;
  };
  double d = 0;
  for (const auto& [attribute, weight] : weights) {
    bool differ = false;
    if (attribute == "country") differ = a.country() != b.country();
    if (attribute == "sector") differ = a.sector() != b.sector();
    if (attribute == "gender") differ = a.gender() != b.gender();
    if (attribute == "role") differ = a.role() != b.role();
    if (attribute == "organization") differ = org(a) != org(b);
    if (attribute == "language") differ = language(a) != language(b);
    if (differ) d += weight;
  }
  return d;
}

TEST(BuildProblemTest, DissimilarityIsTheWeightedCountOfDifferences) {
  const std::map<std::string, double> weights = {{"country", 3},        {"sector", 2},
                                                 {"gender", 1},         {"role", 0.25},
                                                 {"organization", 1.5}, {"language", 0.5}};
  for (uint32_t seed : {1u, 2u, 3u, 4u, 5u}) {
    SCOPED_TRACE(seed);
    const std::vector<reg::Participant> people = RandomPeople(14, seed);
    const int n = static_cast<int>(people.size());
    v1::PlanSpec spec = BaseSpec();
    for (const auto& [attribute, weight] : weights) AddWeight(spec, attribute, weight);
    ASSERT_THAT(NormalizeSpec(spec), IsOk());
    absl::StatusOr<Problem> problem = BuildProblem(spec, people, EvenGroupBounds(n, 3), {});
    ASSERT_THAT(problem, IsOk());
    EXPECT_EQ(problem->num_items, n);
    EXPECT_EQ(problem->num_groups(), 3);
    ASSERT_THAT(problem->dissimilarity, SizeIs(n * n));
    for (int i = 0; i < n; ++i) {
      EXPECT_EQ(problem->d(i, i), 0) << i;
      for (int j = 0; j < n; ++j) {
        EXPECT_THAT(problem->d(i, j), DoubleEq(problem->d(j, i))) << i << "," << j;
        if (i != j) {
          EXPECT_THAT(problem->d(i, j),
                      DoubleNear(ExpectedDissimilarity(people[i], people[j], weights), 1e-9))
              << i << "," << j;
        }
      }
    }
    EXPECT_THAT(problem->keep_apart, IsEmpty());
    EXPECT_THAT(problem->keep_together, IsEmpty());
    EXPECT_THAT(problem->spread, IsEmpty());
  }
}

TEST(BuildProblemTest, DefaultWeightsOnAHandMadePair) {
  std::vector<reg::Participant> people = {
      Person("a", "MY", reg::SECTOR_GOVERNMENT, reg::GENDER_FEMALE),
      Person("b", "MY", reg::SECTOR_MEDIA, reg::GENDER_MALE),
      Person("c", "ID", reg::SECTOR_GOVERNMENT, reg::GENDER_FEMALE)};
  v1::PlanSpec spec = BaseSpec();
  ASSERT_THAT(NormalizeSpec(spec), IsOk());
  absl::StatusOr<Problem> problem = BuildProblem(spec, people, EvenGroupBounds(3, 1), {});
  ASSERT_THAT(problem, IsOk());
  EXPECT_EQ(problem->d(0, 1), 3);  // sector 2 + gender 1
  EXPECT_EQ(problem->d(0, 2), 3);  // country 3
  EXPECT_EQ(problem->d(1, 2), 6);  // all three
}

TEST(BuildProblemTest, EarlierMeetingsMakeAPairLessAttractive) {
  const std::vector<reg::Participant> people = RandomPeople(8, 7);
  const int n = static_cast<int>(people.size());
  v1::PlanSpec spec = BaseSpec();
  spec.set_group_count(2);
  ASSERT_THAT(NormalizeSpec(spec), IsOk());
  absl::StatusOr<Problem> fresh = BuildProblem(spec, people, EvenGroupBounds(n, 2), {});
  ASSERT_THAT(fresh, IsOk());

  std::vector<int> met(n * n, 0);
  met[0 * n + 1] = met[1 * n + 0] = 1;
  met[2 * n + 5] = met[5 * n + 2] = 2;
  absl::StatusOr<Problem> later = BuildProblem(spec, people, EvenGroupBounds(n, 2), met);
  ASSERT_THAT(later, IsOk());

  double lowest_unmet = std::numeric_limits<double>::infinity();
  for (int i = 0; i < n; ++i) {
    for (int j = 0; j < n; ++j) {
      EXPECT_THAT(later->d(i, j), DoubleEq(later->d(j, i)));
      if (met[i * n + j] == 0) {
        EXPECT_THAT(later->d(i, j), DoubleEq(fresh->d(i, j))) << i << "," << j;
        if (i != j) lowest_unmet = std::min(lowest_unmet, later->d(i, j));
      }
    }
  }
  // Meeting again costs more than the most any pair can gain (here: 6 = 3 + 2 + 1).
  EXPECT_LT(later->d(0, 1), fresh->d(0, 1));
  EXPECT_LT(later->d(0, 1), lowest_unmet);
  EXPECT_LT(later->d(0, 1) + 6, 0);
  EXPECT_LT(later->d(2, 5), later->d(0, 1) + fresh->d(2, 5) - fresh->d(0, 1));  // twice is worse
  EXPECT_LT(later->d(2, 5), lowest_unmet);
}

TEST(BuildProblemTest, RandomStrategyOnlyAvoidsEarlierMeetings) {
  const std::vector<reg::Participant> people = RandomPeople(4, 3);
  v1::PlanSpec spec = BaseSpec();
  spec.set_strategy(v1::STRATEGY_RANDOM);
  spec.set_group_count(2);
  ASSERT_THAT(NormalizeSpec(spec), IsOk());
  absl::StatusOr<Problem> fresh = BuildProblem(spec, people, EvenGroupBounds(4, 2), {});
  ASSERT_THAT(fresh, IsOk());
  for (double d : fresh->dissimilarity) EXPECT_EQ(d, 0);

  std::vector<int> met(16, 0);
  met[0 * 4 + 3] = met[3 * 4 + 0] = 1;
  absl::StatusOr<Problem> later = BuildProblem(spec, people, EvenGroupBounds(4, 2), met);
  ASSERT_THAT(later, IsOk());
  EXPECT_LT(later->d(0, 3), 0);
  EXPECT_EQ(later->d(3, 0), later->d(0, 3));
  EXPECT_EQ(later->d(0, 1), 0);
  EXPECT_EQ(later->d(1, 2), 0);
}

TEST(BuildProblemTest, MapsConstraintsToIndices) {
  std::vector<reg::Participant> people = {
      Person("p0", "MY"),
      Person("p1", "ID"),
      Person("p2", "TH", reg::SECTOR_MEDIA, reg::GENDER_MALE, reg::ROLE_FACILITATOR),
      Person("p3", "VN"),
      Person("p4", "PH"),
      Person("p5", "MY", reg::SECTOR_MEDIA, reg::GENDER_MALE, reg::ROLE_FACILITATOR)};
  v1::PlanSpec spec = BaseSpec();
  spec.set_group_count(2);
  AddSet(spec.mutable_keep_together(), {"p3", "p1"});
  AddSet(spec.mutable_keep_apart(), {"p0", "p2", "p4"});
  AddSet(spec.mutable_keep_apart(), {"p5", "p1"});
  spec.set_spread_facilitators(true);
  ASSERT_THAT(NormalizeSpec(spec), IsOk());
  absl::StatusOr<Problem> problem = BuildProblem(spec, people, EvenGroupBounds(6, 2), {});
  ASSERT_THAT(problem, IsOk());
  EXPECT_THAT(problem->keep_together, ElementsAre(ElementsAre(3, 1)));
  EXPECT_THAT(problem->keep_apart,
              UnorderedElementsAre(Pair(0, 2), Pair(0, 4), Pair(2, 4), Pair(5, 1)));
  EXPECT_THAT(problem->spread, ElementsAre(2, 5));
  EXPECT_THAT(ValidateProblem(*problem), IsOk());

  spec.set_spread_facilitators(false);
  problem = BuildProblem(spec, people, EvenGroupBounds(6, 2), {});
  ASSERT_THAT(problem, IsOk());
  EXPECT_THAT(problem->spread, IsEmpty());
}

TEST(BuildProblemTest, UnknownIdIsAFailedPreconditionNamingIt) {
  std::vector<reg::Participant> people = {Person("p0", "MY"), Person("p1", "ID"),
                                          Person("p2", "TH")};
  v1::PlanSpec apart = BaseSpec();
  apart.set_group_count(2);
  AddSet(apart.mutable_keep_apart(), {"p0", "par_ghost"});
  ASSERT_THAT(NormalizeSpec(apart), IsOk());
  EXPECT_THAT(BuildProblem(apart, people, EvenGroupBounds(3, 2), {}),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       ::testing::AllOf(HasSubstr("par_ghost"), HasSubstr("keep_apart"))));

  v1::PlanSpec together = BaseSpec();
  together.set_group_count(2);
  AddSet(together.mutable_keep_together(), {"par_ghost", "p2"});
  ASSERT_THAT(NormalizeSpec(together), IsOk());
  EXPECT_THAT(BuildProblem(together, people, EvenGroupBounds(3, 2), {}),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       ::testing::AllOf(HasSubstr("par_ghost"), HasSubstr("keep_together"))));
}

TEST(BuildProblemTest, KeepTogetherLargerThanTheLargestGroup) {
  std::vector<reg::Participant> people;
  for (int i = 0; i < 9; ++i) people.push_back(Person("p" + std::to_string(i), "MY"));
  v1::PlanSpec spec = BaseSpec();
  spec.set_group_count(3);  // groups of 3
  AddSet(spec.mutable_keep_together(), {"p0", "p4", "p7", "p8"});
  ASSERT_THAT(NormalizeSpec(spec), IsOk());
  EXPECT_THAT(BuildProblem(spec, people, EvenGroupBounds(9, 3), {}),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("p0, p4, p7, p8")));

  spec.mutable_keep_together(0)->mutable_participant_ids()->RemoveLast();  // three fit
  absl::StatusOr<Problem> problem = BuildProblem(spec, people, EvenGroupBounds(9, 3), {});
  ASSERT_THAT(problem, IsOk());
  EXPECT_THAT(problem->keep_together, ElementsAre(ElementsAre(0, 4, 7)));
}

// ---------------------------------------------------------------------------------------------
// GroupByAttribute

v1::PlanSpec ByAttribute(const std::string& attribute) {
  v1::PlanSpec spec;
  spec.set_event_id("evt_1");
  spec.set_strategy(v1::STRATEGY_BY_ATTRIBUTE);
  spec.set_by_attribute(attribute);
  return spec;
}

// Members (ids) of each group of `groups`.
std::vector<std::vector<std::string>> Members(const AttributeGroups& groups,
                                              const std::vector<reg::Participant>& people) {
  std::vector<std::vector<std::string>> out(groups.labels.size());
  for (size_t i = 0; i < people.size(); ++i) {
    EXPECT_GE(groups.assignment[i], 0);
    EXPECT_LT(groups.assignment[i], static_cast<int>(groups.labels.size()));
    out[groups.assignment[i]].push_back(people[i].id());
  }
  return out;
}

TEST(GroupByAttributeTest, OneGroupPerValueLargestFirst) {
  std::vector<reg::Participant> people = {Person("a", "TH"), Person("b", "MY"), Person("c", "PH"),
                                          Person("d", "MY"), Person("e", "ID"), Person("f", "MY"),
                                          Person("g", "PH"), Person("h", "ID")};
  v1::PlanSpec spec = ByAttribute("country");
  ASSERT_THAT(NormalizeSpec(spec), IsOk());
  absl::StatusOr<AttributeGroups> groups = GroupByAttribute(spec, people);
  ASSERT_THAT(groups, IsOk());
  // MY (3), then ID and PH (2 each, by name), then TH (1).
  EXPECT_THAT(groups->labels, ElementsAre("MY", "ID", "PH", "TH"));
  EXPECT_THAT(Members(*groups, people),
              ElementsAre(ElementsAre("b", "d", "f"), ElementsAre("e", "h"), ElementsAre("c", "g"),
                          ElementsAre("a")));
}

TEST(GroupByAttributeTest, SplitsALargeValueEvenly) {
  std::vector<reg::Participant> people;
  for (int i = 0; i < 6; ++i) people.push_back(Person("my" + std::to_string(i), "MY"));
  people.push_back(Person("id0", "ID"));
  people.push_back(Person("id1", "ID"));
  v1::PlanSpec spec = ByAttribute("country");
  spec.set_max_size(4);
  ASSERT_THAT(NormalizeSpec(spec), IsOk());
  absl::StatusOr<AttributeGroups> groups = GroupByAttribute(spec, people);
  ASSERT_THAT(groups, IsOk());
  EXPECT_THAT(groups->labels, ElementsAre("MY 1", "MY 2", "ID"));
  std::vector<std::vector<std::string>> members = Members(*groups, people);
  EXPECT_THAT(members[0], SizeIs(3));
  EXPECT_THAT(members[1], SizeIs(3));
  EXPECT_THAT(members[2], ElementsAre("id0", "id1"));

  spec.set_max_size(3);  // 7 MY in three parts of 3, 2, 2
  people.push_back(Person("my6", "MY"));
  groups = GroupByAttribute(spec, people);
  ASSERT_THAT(groups, IsOk());
  EXPECT_THAT(groups->labels, ElementsAre("MY 1", "MY 2", "MY 3", "ID"));
  members = Members(*groups, people);
  std::vector<size_t> sizes;
  for (const auto& m : members) sizes.push_back(m.size());
  EXPECT_THAT(sizes, ElementsAre(3, 2, 2, 2));
}

TEST(GroupByAttributeTest, MergesSmallValuesIntoMixedGroups) {
  std::vector<reg::Participant> people = {
      Person("my0", "MY"), Person("id0", "ID"), Person("my1", "MY"), Person("th0", "TH"),
      Person("my2", "MY"), Person("th1", "TH"), Person("vn0", "VN")};
  v1::PlanSpec spec = ByAttribute("country");
  spec.set_min_size(3);
  spec.set_merge_small(true);
  ASSERT_THAT(NormalizeSpec(spec), IsOk());
  absl::StatusOr<AttributeGroups> groups = GroupByAttribute(spec, people);
  ASSERT_THAT(groups, IsOk());
  EXPECT_THAT(groups->labels, ElementsAre("MY", "mixed"));
  EXPECT_THAT(Members(*groups, people), ElementsAre(ElementsAre("my0", "my1", "my2"),
                                                    ElementsAre("id0", "th0", "th1", "vn0")));

  spec.set_max_size(3);  // four small ones need two mixed groups of two
  groups = GroupByAttribute(spec, people);
  ASSERT_THAT(groups, IsOk());
  EXPECT_THAT(groups->labels, ElementsAre("MY", "mixed 1", "mixed 2"));
  std::vector<std::vector<std::string>> members = Members(*groups, people);
  EXPECT_THAT(members[0], ElementsAre("my0", "my1", "my2"));
  EXPECT_THAT(members[1], SizeIs(2));
  EXPECT_THAT(members[2], SizeIs(2));

  spec.set_merge_small(false);  // without merge_small every value keeps its own group
  spec.set_max_size(0);
  groups = GroupByAttribute(spec, people);
  ASSERT_THAT(groups, IsOk());
  EXPECT_THAT(groups->labels, ElementsAre("MY", "TH", "ID", "VN"));
}

TEST(GroupByAttributeTest, EmptyValuesAreLabelledNone) {
  std::vector<reg::Participant> people = {Person("a", "MY"), Person("b", "MY"), Person("c", "MY")};
  (*people[0].mutable_attributes())["language"] = "fr";
  v1::PlanSpec spec = ByAttribute("language");
  ASSERT_THAT(NormalizeSpec(spec), IsOk());
  absl::StatusOr<AttributeGroups> groups = GroupByAttribute(spec, people);
  ASSERT_THAT(groups, IsOk());
  EXPECT_THAT(groups->labels, ElementsAre("(none)", "fr"));
  EXPECT_THAT(Members(*groups, people), ElementsAre(ElementsAre("b", "c"), ElementsAre("a")));
}

TEST(GroupByAttributeTest, NobodyEligible) {
  v1::PlanSpec spec = ByAttribute("country");
  EXPECT_THAT(GroupByAttribute(spec, {}),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("nobody")));
}

// ---------------------------------------------------------------------------------------------
// ReportedAttributes

TEST(ReportedAttributesTest, WeightedOnesOrByAttribute) {
  v1::PlanSpec diverse = BaseSpec();
  AddWeight(diverse, "language", 1);
  AddWeight(diverse, "country", 2);
  EXPECT_THAT(ReportedAttributes(diverse), ElementsAre("language", "country"));

  v1::PlanSpec defaults = BaseSpec();
  ASSERT_THAT(NormalizeSpec(defaults), IsOk());
  EXPECT_THAT(ReportedAttributes(defaults), ElementsAre("country", "sector", "gender"));

  v1::PlanSpec by = ByAttribute("country");
  ASSERT_THAT(NormalizeSpec(by), IsOk());
  EXPECT_THAT(ReportedAttributes(by), ElementsAre("country"));
}

TEST(ReportedAttributesTest, ByAttributeIgnoresWeights) {
  // The header: "the weighted ones, or by_attribute". A by-attribute spec that still carries
  // weights (NormalizeSpec keeps them) reports only its by_attribute.
  v1::PlanSpec by = ByAttribute("country");
  AddWeight(by, "country", 3);
  AddWeight(by, "sector", 2);
  ASSERT_THAT(NormalizeSpec(by), IsOk());
  EXPECT_THAT(ReportedAttributes(by), ElementsAre("country"));
}

// ---------------------------------------------------------------------------------------------
// MakeRound, MeasurePlan, AssignmentOf

// A symmetric matrix with zero diagonal and distinct values, so that a wrong pair shows.
std::vector<double> SomeMatrix(int n) {
  std::vector<double> d(n * n, 0);
  for (int i = 0; i < n; ++i) {
    for (int j = i + 1; j < n; ++j) d[i * n + j] = d[j * n + i] = 1 + i * 10 + j * 0.5;
  }
  return d;
}

std::map<std::string, int> CountsOf(const v1::Group& group, const std::string& attribute) {
  std::map<std::string, int> out;
  for (const v1::AttributeCounts& ac : group.counts()) {
    if (ac.attribute() != attribute) continue;
    for (const v1::ValueCount& vc : ac.values()) out[vc.value()] = vc.count();
  }
  return out;
}

TEST(MakeRoundTest, MembersCountsAndDiversity) {
  std::vector<reg::Participant> people = {
      Person("p0", "MY", reg::SECTOR_CIVIL_SOCIETY, reg::GENDER_FEMALE),
      Person("p1", "ID", reg::SECTOR_GOVERNMENT, reg::GENDER_MALE),
      Person("p2", "MY", reg::SECTOR_GOVERNMENT, reg::GENDER_MALE),
      Person("p3", "TH", reg::SECTOR_CIVIL_SOCIETY, reg::GENDER_FEMALE),
      Person("p4", "MY", reg::SECTOR_CIVIL_SOCIETY, reg::GENDER_MALE),
      Person("p5", "ID", reg::SECTOR_MEDIA, reg::GENDER_FEMALE),
      Person("p6", "TH", reg::SECTOR_GOVERNMENT, reg::GENDER_FEMALE)};
  const int n = static_cast<int>(people.size());
  const std::vector<int> assignment = {0, 1, 0, 2, 0, 1, 2};
  const std::vector<double> d = SomeMatrix(n);
  v1::Round round =
      MakeRound(2, people, assignment, 3, {"first", "second"}, {"country", "sector"}, d);
  EXPECT_EQ(round.number(), 2);
  ASSERT_EQ(round.groups_size(), 3);
  EXPECT_EQ(round.groups(0).number(), 1);
  EXPECT_EQ(round.groups(2).number(), 3);
  EXPECT_EQ(round.groups(0).label(), "first");
  EXPECT_EQ(round.groups(1).label(), "second");
  EXPECT_EQ(round.groups(2).label(), "");
  EXPECT_THAT(Ids(round.groups(0)), ElementsAre("p0", "p2", "p4"));
  EXPECT_THAT(Ids(round.groups(1)), ElementsAre("p1", "p5"));
  EXPECT_THAT(Ids(round.groups(2)), ElementsAre("p3", "p6"));

  const v1::Member& m = round.groups(0).members(0);
  EXPECT_EQ(m.name(), "Name p0");
  EXPECT_EQ(m.country(), "MY");
  EXPECT_EQ(m.sector(), "civil-society");
  EXPECT_EQ(m.organization(), "Org of p0");

  EXPECT_THAT(CountsOf(round.groups(0), "country"), ElementsAre(Pair("MY", 3)));
  EXPECT_THAT(CountsOf(round.groups(0), "sector"),
              ElementsAre(Pair("civil-society", 2), Pair("government", 1)));
  EXPECT_THAT(CountsOf(round.groups(1), "country"), ElementsAre(Pair("ID", 2)));
  EXPECT_THAT(CountsOf(round.groups(1), "sector"),
              ElementsAre(Pair("government", 1), Pair("media", 1)));
  EXPECT_THAT(CountsOf(round.groups(2), "sector"),
              ElementsAre(Pair("civil-society", 1), Pair("government", 1)));
  EXPECT_THAT(CountsOf(round.groups(2), "gender"), IsEmpty());  // not asked for
  ASSERT_EQ(round.groups(0).counts_size(), 2);
  EXPECT_EQ(round.groups(0).counts(0).attribute(), "country");
  EXPECT_EQ(round.groups(0).counts(1).attribute(), "sector");

  for (int g = 0; g < 3; ++g) {
    double expected = 0;
    for (int i = 0; i < n; ++i) {
      for (int j = i + 1; j < n; ++j) {
        if (assignment[i] == g && assignment[j] == g) expected += d[i * n + j];
      }
    }
    EXPECT_THAT(round.groups(g).diversity(), DoubleNear(expected, 1e-9)) << g;
  }
}

TEST(MakeRoundTest, AssignmentOfRoundTrips) {
  const std::vector<reg::Participant> people = RandomPeople(17, 11);
  const int n = static_cast<int>(people.size());
  std::mt19937 rng(5);
  for (int trial = 0; trial < 5; ++trial) {
    std::vector<int> assignment(n);
    for (int& g : assignment) g = std::uniform_int_distribution<int>(0, 3)(rng);
    v1::Round round = MakeRound(1, people, assignment, 4, {}, {"country"}, SomeMatrix(n));
    absl::StatusOr<std::vector<int>> back = AssignmentOf(round, people);
    ASSERT_THAT(back, IsOk());
    EXPECT_EQ(*back, assignment);
  }
}

TEST(MakeRoundTest, AssignmentOfSomeoneInNoGroup) {
  std::vector<reg::Participant> people = {Person("p0", "MY"), Person("p1", "ID")};
  v1::Round round = MakeRound(1, people, {0, 0}, 1, {}, {}, SomeMatrix(2));
  people.push_back(Person("p_late", "TH"));
  EXPECT_THAT(AssignmentOf(round, people),
              StatusIs(absl::StatusCode::kInternal, HasSubstr("p_late")));
}

// Four people a, b, c, d over three rounds: {a,b}{c,d}, {a,b}{c,d}, {a,b,c}{d}.
struct ThreeRounds {
  std::vector<reg::Participant> people;
  std::vector<double> d;
  v1::GroupPlan plan;
};

ThreeRounds MakeThreeRounds(const v1::PlanSpec& spec) {
  ThreeRounds t;
  t.people = {Person("a", "MY", reg::SECTOR_GOVERNMENT, reg::GENDER_FEMALE, reg::ROLE_FACILITATOR),
              Person("b", "MY", reg::SECTOR_MEDIA, reg::GENDER_MALE),
              Person("c", "ID", reg::SECTOR_GOVERNMENT, reg::GENDER_MALE, reg::ROLE_FACILITATOR),
              Person("d", "TH", reg::SECTOR_MEDIA, reg::GENDER_FEMALE)};
  t.d = SomeMatrix(4);
  *t.plan.mutable_spec() = spec;
  const std::vector<std::string> attributes = ReportedAttributes(spec);
  *t.plan.add_rounds() = MakeRound(1, t.people, {0, 0, 1, 1}, 2, {}, attributes, t.d);
  *t.plan.add_rounds() = MakeRound(2, t.people, {0, 0, 1, 1}, 2, {}, attributes, t.d);
  *t.plan.add_rounds() = MakeRound(3, t.people, {0, 0, 0, 1}, 2, {}, attributes, t.d);
  return t;
}

TEST(MeasurePlanTest, ObjectiveAndRepeatPairs) {
  v1::PlanSpec spec = BaseSpec();
  spec.set_group_count(2);
  spec.set_rounds(3);
  ASSERT_THAT(NormalizeSpec(spec), IsOk());
  ThreeRounds t = MakeThreeRounds(spec);
  t.plan.mutable_quality()->set_seed(77);
  t.plan.mutable_quality()->set_solver_seconds(1.5);
  MeasurePlan(t.d, t.people, t.plan);
  const v1::PlanQuality& q = t.plan.quality();
  // ab meets 3 times (2 extra), cd twice (1 extra), ac and bc once.
  EXPECT_EQ(q.repeat_pairs(), 3);
  auto d = [&](int i, int j) { return t.d[i * 4 + j]; };
  const double expected = 3 * d(0, 1) + 2 * d(2, 3) + d(0, 2) + d(1, 2);
  EXPECT_THAT(q.objective(), DoubleNear(expected, 1e-9));
  double diversity_sum = 0;
  for (const v1::Round& r : t.plan.rounds()) {
    for (const v1::Group& g : r.groups()) diversity_sum += g.diversity();
  }
  EXPECT_THAT(q.objective(), DoubleNear(diversity_sum, 1e-9));
  EXPECT_EQ(q.participant_count(), 4);
  EXPECT_EQ(q.seed(), 77u);
  EXPECT_EQ(q.solver_seconds(), 1.5);
  EXPECT_THAT(q.constraint_report(), IsEmpty());
  ASSERT_EQ(q.balance_size(), 3);
  EXPECT_EQ(q.balance(0).attribute(), "country");
  EXPECT_EQ(q.balance(1).attribute(), "sector");
  EXPECT_EQ(q.balance(2).attribute(), "gender");
}

TEST(MeasurePlanTest, NoRepeatsInASingleRound) {
  v1::PlanSpec spec = BaseSpec();
  ASSERT_THAT(NormalizeSpec(spec), IsOk());
  ThreeRounds t = MakeThreeRounds(spec);
  t.plan.mutable_rounds()->DeleteSubrange(1, 2);
  MeasurePlan(t.d, t.people, t.plan);
  EXPECT_EQ(t.plan.quality().repeat_pairs(), 0);
  EXPECT_THAT(t.plan.quality().objective(), DoubleNear(t.d[0 * 4 + 1] + t.d[2 * 4 + 3], 1e-9));
}

TEST(MeasurePlanTest, BalanceMatchesAHandComputation) {
  // Room: MY 2, ID 1, TH 1. Groups {MY, MY} and {ID, TH}; each group of 2 should have MY 1,
  // ID 0.5, TH 0.5. Deviations: group 1: 1, .5, .5; group 2: 1, .5, .5 -> mean 4/6, max 1.
  std::vector<reg::Participant> people = {Person("a", "MY"), Person("b", "MY"), Person("c", "ID"),
                                          Person("d", "TH")};
  v1::PlanSpec spec = BaseSpec();
  spec.set_group_count(2);
  AddWeight(spec, "country", 1);
  ASSERT_THAT(NormalizeSpec(spec), IsOk());
  const std::vector<double> d = SomeMatrix(4);
  v1::GroupPlan plan;
  *plan.mutable_spec() = spec;
  *plan.add_rounds() = MakeRound(1, people, {0, 0, 1, 1}, 2, {}, {"country"}, d);
  MeasurePlan(d, people, plan);
  ASSERT_EQ(plan.quality().balance_size(), 1);
  EXPECT_EQ(plan.quality().balance(0).attribute(), "country");
  EXPECT_THAT(plan.quality().balance(0).mean_deviation(), DoubleNear(4.0 / 6, 1e-9));
  EXPECT_THAT(plan.quality().balance(0).max_deviation(), DoubleNear(1.0, 1e-9));

  // Perfectly proportional: {MY, ID} and {MY, TH}: deviations 0, .5, .5 per group -> mean 1/3,
  // max 0.5 (ID and TH cannot split in halves).
  plan.mutable_rounds()->Clear();
  *plan.add_rounds() = MakeRound(1, people, {0, 1, 0, 1}, 2, {}, {"country"}, d);
  MeasurePlan(d, people, plan);
  ASSERT_EQ(plan.quality().balance_size(), 1);  // measured again, not appended
  EXPECT_THAT(plan.quality().balance(0).mean_deviation(), DoubleNear(1.0 / 3, 1e-9));
  EXPECT_THAT(plan.quality().balance(0).max_deviation(), DoubleNear(0.5, 1e-9));
}

TEST(MeasurePlanTest, ConstraintReport) {
  v1::PlanSpec spec = BaseSpec();
  spec.set_group_count(2);
  spec.set_rounds(3);
  AddSet(spec.mutable_keep_together(), {"a", "b"});  // together in all three rounds
  AddSet(spec.mutable_keep_together(), {"c", "d"});  // split in round 3
  AddSet(spec.mutable_keep_apart(), {"a", "c"});     // together in round 3
  AddSet(spec.mutable_keep_apart(), {"b", "d"});     // never together
  spec.set_spread_facilitators(true);                // a and c share a group in round 3
  ASSERT_THAT(NormalizeSpec(spec), IsOk());
  ThreeRounds t = MakeThreeRounds(spec);
  MeasurePlan(t.d, t.people, t.plan);
  EXPECT_THAT(t.plan.quality().constraint_report(),
              ElementsAre("keep together a, b: held in every round", "keep together c, d: BROKEN",
                          "keep apart a, c: BROKEN", "keep apart b, d: held in every round",
                          "spread 2 facilitators over the groups: BROKEN"));

  // Only the first two rounds: everything holds, and the report is rebuilt, not appended to.
  t.plan.mutable_rounds()->RemoveLast();
  MeasurePlan(t.d, t.people, t.plan);
  EXPECT_THAT(
      t.plan.quality().constraint_report(),
      ElementsAre("keep together a, b: held in every round",
                  "keep together c, d: held in every round", "keep apart a, c: held in every round",
                  "keep apart b, d: held in every round",
                  "spread 2 facilitators over the groups: held in every round"));
}

}  // namespace
}  // namespace convene::grouping
