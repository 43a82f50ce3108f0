#include "services/grouping/plan_rules.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/strip.h"
#include "google/protobuf/descriptor.h"
#include "services/common/dates.h"
#include "services/common/limits.h"
#include "services/common/status.h"

namespace convene::grouping {
namespace {

absl::Status FieldError(absl::string_view field, absl::string_view reason) {
  return absl::InvalidArgumentError(absl::StrCat(field, ": ", reason));
}

// "SECTOR_CIVIL_SOCIETY" -> "civil-society", the display form the CLI uses too.
std::string Display(const google::protobuf::EnumDescriptor* descriptor, int value,
                    absl::string_view prefix) {
  const google::protobuf::EnumValueDescriptor* v = descriptor->FindValueByNumber(value);
  if (v == nullptr || value == 0) return "";
  std::string out = absl::AsciiStrToLower(absl::StripPrefix(v->name(), prefix));
  absl::StrReplaceAll({{"_", "-"}}, &out);
  return out;
}

}  // namespace

absl::Status NormalizeSpec(v1::PlanSpec& spec) {
  if (spec.event_id().empty()) return FieldError("event_id", "is required");
  CONVENE_RETURN_IF_ERROR(CheckLength("event_id", spec.event_id(), kMaxKeyLength));
  CONVENE_RETURN_IF_ERROR(CheckLength("by_attribute", spec.by_attribute(), kMaxKeyLength));
  CONVENE_RETURN_IF_ERROR(CheckCount("weights", spec.weights_size(), kMaxListItems, "attributes"));
  for (const v1::AttributeWeight& w : spec.weights()) {
    CONVENE_RETURN_IF_ERROR(CheckLength("weights", w.attribute(), kMaxKeyLength));
  }
  CONVENE_RETURN_IF_ERROR(
      CheckCount("keep_together", spec.keep_together_size(), kMaxConstraintSets, "sets"));
  CONVENE_RETURN_IF_ERROR(
      CheckCount("keep_apart", spec.keep_apart_size(), kMaxConstraintSets, "sets"));
  if (!v1::Strategy_IsValid(spec.strategy())) {
    return FieldError("strategy", absl::StrCat(spec.strategy(), " is not a valid value"));
  }
  if (spec.strategy() == v1::STRATEGY_UNSPECIFIED) spec.set_strategy(v1::STRATEGY_DIVERSE);
  if (!v1::Eligibility_IsValid(spec.eligibility())) {
    return FieldError("eligibility", absl::StrCat(spec.eligibility(), " is not a valid value"));
  }
  if (spec.eligibility() == v1::ELIGIBILITY_CHECKED_IN) {
    if (spec.checked_in_day().empty()) {
      return FieldError("checked_in_day", "is required when only checked-in participants count");
    }
    CONVENE_RETURN_IF_ERROR(ParseDay(spec.checked_in_day(), "checked_in_day").status());
  }
  if (spec.group_count() < 0) return FieldError("group_count", "is negative");
  if (spec.group_size() < 0) return FieldError("group_size", "is negative");
  if (spec.min_size() < 0) return FieldError("min_size", "is negative");
  if (spec.max_size() < 0) return FieldError("max_size", "is negative");
  if (spec.group_count() > 0 && spec.group_size() > 0) {
    return FieldError("group_size", "give either group_count or group_size, not both");
  }
  CONVENE_RETURN_IF_ERROR(CheckCount("group_count", spec.group_count(), kMaxGroups, "groups"));
  if (spec.max_size() > 0 && spec.min_size() > spec.max_size()) {
    return FieldError("min_size",
                      absl::StrCat(spec.min_size(), " is above max_size ", spec.max_size()));
  }
  if (spec.rounds() < 0) return FieldError("rounds", "is negative");
  if (spec.rounds() == 0) spec.set_rounds(1);
  CONVENE_RETURN_IF_ERROR(CheckCount("rounds", spec.rounds(), kMaxRounds, "rounds"));
  if (spec.strategy() == v1::STRATEGY_BY_ATTRIBUTE) {
    spec.set_by_attribute(absl::AsciiStrToLower(absl::StripAsciiWhitespace(spec.by_attribute())));
    if (spec.by_attribute().empty()) {
      return FieldError("by_attribute",
                        "is required with the by-attribute strategy (e.g. country)");
    }
    if (spec.rounds() != 1) return FieldError("rounds", "by-attribute plans have one round");
  } else if (spec.group_count() == 0 && spec.group_size() == 0) {
    return FieldError("group_count", "is required (or group_size)");
  }
  if (spec.strategy() == v1::STRATEGY_DIVERSE && spec.weights().empty()) SetDefaultWeights(spec);
  for (auto [field, sets] : {std::pair{"keep_together", spec.mutable_keep_together()},
                             std::pair{"keep_apart", spec.mutable_keep_apart()}}) {
    for (v1::ParticipantSet& set : *sets) {
      CONVENE_RETURN_IF_ERROR(
          CheckCount(field, set.participant_ids_size(), kMaxPlanParticipants, "participants"));
      for (const std::string& id : set.participant_ids()) {
        CONVENE_RETURN_IF_ERROR(CheckLength(field, id, kMaxKeyLength));
      }
      std::set<std::string> distinct;
      google::protobuf::RepeatedPtrField<std::string> kept;
      for (const std::string& id : set.participant_ids()) {
        std::string trimmed(absl::StripAsciiWhitespace(id));
        if (!trimmed.empty() && distinct.insert(trimmed).second) *kept.Add() = trimmed;
      }
      if (kept.size() < 2) {
        return FieldError(field,
                          absl::StrCat("a set needs at least two different participants, not ",
                                       absl::StrJoin(set.participant_ids(), ", ")));
      }
      set.mutable_participant_ids()->Swap(&kept);
    }
  }
  std::set<std::string> seen;
  for (v1::AttributeWeight& w : *spec.mutable_weights()) {
    w.set_attribute(absl::AsciiStrToLower(absl::StripAsciiWhitespace(w.attribute())));
    if (w.attribute().empty()) return FieldError("weights", "an attribute has no name");
    if (!(w.weight() >= 0) || !std::isfinite(w.weight())) {
      return FieldError("weights", absl::StrCat(w.attribute(), ": the weight must be >= 0"));
    }
    if (!seen.insert(w.attribute()).second) {
      return FieldError("weights", absl::StrCat(w.attribute(), " appears twice"));
    }
  }
  return absl::OkStatus();
}

absl::Status CheckPlanSize(int eligible) {
  if (eligible <= kMaxPlanParticipants) return absl::OkStatus();
  return absl::ResourceExhaustedError(absl::StrCat(
      "eligibility: ", eligible, " participants are eligible, and one plan mixes at most ",
      kMaxPlanParticipants, " (plan for those checked in on one day, or split the event)"));
}

void SetDefaultWeights(v1::PlanSpec& spec) {
  spec.clear_weights();
  for (auto [attribute, weight] :
       {std::pair{"country", 3.0}, std::pair{"sector", 2.0}, std::pair{"gender", 1.0}}) {
    v1::AttributeWeight* w = spec.add_weights();
    w->set_attribute(attribute);
    w->set_weight(weight);
  }
}

std::vector<reg::Participant> Eligible(const v1::PlanSpec& spec,
                                       const std::vector<reg::Participant>& participants) {
  std::vector<reg::Participant> out;
  for (const reg::Participant& p : participants) {
    if (p.status() != reg::PARTICIPANT_STATUS_CONFIRMED) continue;
    if (spec.eligibility() == v1::ELIGIBILITY_CHECKED_IN &&
        std::find(p.check_in_days().begin(), p.check_in_days().end(), spec.checked_in_day()) ==
            p.check_in_days().end()) {
      continue;
    }
    out.push_back(p);
  }
  return out;
}

std::string AttributeValue(const reg::Participant& p, absl::string_view attribute) {
  if (attribute == "country") return p.country();
  if (attribute == "sector") return Display(reg::Sector_descriptor(), p.sector(), "SECTOR_");
  if (attribute == "gender") return Display(reg::Gender_descriptor(), p.gender(), "GENDER_");
  if (attribute == "role") return Display(reg::Role_descriptor(), p.role(), "ROLE_");
  if (attribute == "organization" || attribute == "organisation") {
    return absl::AsciiStrToLower(absl::StripAsciiWhitespace(p.organization()));
  }
  auto it = p.attributes().find(std::string(attribute));
  return it == p.attributes().end() ? "" : it->second;
}

absl::Status CheckAttributesKnown(const v1::PlanSpec& spec,
                                  const std::vector<reg::Participant>& people) {
  std::vector<std::pair<std::string, std::string>> asked;  // (field, attribute)
  if (spec.strategy() == v1::STRATEGY_BY_ATTRIBUTE)
    asked.emplace_back("by_attribute", spec.by_attribute());
  if (spec.strategy() == v1::STRATEGY_DIVERSE) {
    for (const v1::AttributeWeight& w : spec.weights())
      asked.emplace_back("weights", w.attribute());
  }
  for (const auto& [field, attribute] : asked) {
    // A named copy: clang 14 cannot capture a structured binding in a lambda.
    const std::string& name = attribute;
    const bool anyone = std::any_of(people.begin(), people.end(), [&](const reg::Participant& p) {
      return !AttributeValue(p, name).empty();
    });
    if (!anyone && !people.empty()) {
      return FieldError(field, absl::StrCat("no eligible participant has a value for \"", attribute,
                                            "\" (known: country, sector, gender, organization, "
                                            "role, or a column of the imported spreadsheet)"));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<GroupBounds>> PlanBounds(const v1::PlanSpec& spec, int n) {
  if (n == 0) {
    return absl::FailedPreconditionError(
        "nobody is eligible: the event has no confirmed "
        "participants (checked in on that day, if asked)");
  }
  int groups = spec.group_count();
  if (groups == 0 && spec.group_size() > 0) {
    groups = std::max(1, (n + spec.group_size() - 1) / spec.group_size());
  }
  if (groups == 0) return FieldError("group_count", "is required (or group_size)");
  if (groups > n) {
    return FieldError(spec.group_count() ? "group_count" : "group_size",
                      absl::StrCat(groups, " groups for ", n, " eligible participants"));
  }
  std::vector<GroupBounds> bounds = EvenGroupBounds(n, groups);
  if (spec.min_size() > 0 || spec.max_size() > 0) {
    for (GroupBounds& b : bounds) {
      if (spec.min_size() > 0) b.min_size = spec.min_size();
      if (spec.max_size() > 0) b.max_size = spec.max_size();
    }
    const int64_t low = static_cast<int64_t>(bounds[0].min_size) * groups;
    const int64_t high = static_cast<int64_t>(bounds[0].max_size) * groups;
    if (low > n || high < n) {
      return FieldError(spec.min_size() > 0 && low > n ? "min_size" : "max_size",
                        absl::StrCat(groups, " groups of ", bounds[0].min_size, " to ",
                                     bounds[0].max_size, " cannot hold ", n, " participants"));
    }
  }
  return bounds;
}

std::vector<std::string> ReportedAttributes(const v1::PlanSpec& spec) {
  std::vector<std::string> attributes;
  if (spec.strategy() == v1::STRATEGY_BY_ATTRIBUTE) {
    attributes.push_back(spec.by_attribute());
    return attributes;
  }
  if (spec.weights().empty()) {
    attributes = {"country", "sector", "gender"};
  }
  for (const v1::AttributeWeight& w : spec.weights()) attributes.push_back(w.attribute());
  return attributes;
}

absl::StatusOr<Problem> BuildProblem(const v1::PlanSpec& spec,
                                     const std::vector<reg::Participant>& people,
                                     const std::vector<GroupBounds>& bounds,
                                     const std::vector<int>& met) {
  const int n = static_cast<int>(people.size());
  Problem problem;
  problem.num_items = n;
  problem.groups = bounds;
  problem.dissimilarity.assign(static_cast<size_t>(n) * n, 0.0);
  if (spec.strategy() == v1::STRATEGY_DIVERSE) {
    double total_weight = 0;
    for (const v1::AttributeWeight& w : spec.weights()) {
      total_weight += w.weight();
      std::vector<std::string> values;
      values.reserve(n);
      for (const reg::Participant& p : people) values.push_back(AttributeValue(p, w.attribute()));
      for (int i = 0; i < n; ++i) {
        for (int j = i + 1; j < n; ++j) {
          if (values[i] != values[j]) {
            problem.dissimilarity[static_cast<size_t>(i) * n + j] += w.weight();
            problem.dissimilarity[static_cast<size_t>(j) * n + i] += w.weight();
          }
        }
      }
    }
    // A pair that met before costs more than the whole mix of any one pair gains.
    if (!met.empty()) {
      const double penalty = 1.0 + total_weight * 4;
      for (size_t k = 0; k < met.size(); ++k) problem.dissimilarity[k] -= penalty * met[k];
    }
  } else if (!met.empty()) {
    for (size_t k = 0; k < met.size(); ++k) problem.dissimilarity[k] = -1.0 * met[k];
  }

  std::map<std::string, int> index;
  for (int i = 0; i < n; ++i) index[people[i].id()] = i;
  auto lookup = [&](absl::string_view field, const std::string& id) -> absl::StatusOr<int> {
    auto it = index.find(id);
    if (it == index.end()) {
      return absl::FailedPreconditionError(
          absl::StrCat(field, ": ", id, " is not among the eligible participants of this event"));
    }
    return it->second;
  };
  for (const v1::ParticipantSet& set : spec.keep_together()) {
    std::vector<int> items;
    for (const std::string& id : set.participant_ids()) {
      CONVENE_ASSIGN_OR_RETURN(int i, lookup("keep_together", id));
      items.push_back(i);
    }
    int largest = 0;
    for (const GroupBounds& b : bounds) largest = std::max(largest, b.max_size);
    if (static_cast<int>(items.size()) > largest) {
      return absl::FailedPreconditionError(
          absl::StrCat("keep_together: ", items.size(), " participants (",
                       absl::StrJoin(set.participant_ids(), ", "),
                       ") cannot sit together: the largest group allowed has ", largest, " seats"));
    }
    if (items.size() > 1) problem.keep_together.push_back(std::move(items));
  }
  for (const v1::ParticipantSet& set : spec.keep_apart()) {
    std::vector<int> items;
    for (const std::string& id : set.participant_ids()) {
      CONVENE_ASSIGN_OR_RETURN(int i, lookup("keep_apart", id));
      items.push_back(i);
    }
    for (size_t a = 0; a < items.size(); ++a) {
      for (size_t b = a + 1; b < items.size(); ++b) {
        problem.keep_apart.emplace_back(items[a], items[b]);
      }
    }
  }
  if (spec.spread_facilitators()) {
    for (int i = 0; i < n; ++i) {
      if (people[i].role() == reg::ROLE_FACILITATOR) problem.spread.push_back(i);
    }
  }
  return problem;
}

absl::StatusOr<AttributeGroups> GroupByAttribute(const v1::PlanSpec& spec,
                                                 const std::vector<reg::Participant>& people) {
  const int n = static_cast<int>(people.size());
  if (n == 0) {
    return absl::FailedPreconditionError(
        "nobody is eligible: the event has no confirmed "
        "participants (checked in on that day, if asked)");
  }
  // Values by size, largest first, then by name; people keep arrival order within a value.
  std::map<std::string, std::vector<int>> by_value;
  for (int i = 0; i < n; ++i) by_value[AttributeValue(people[i], spec.by_attribute())].push_back(i);
  std::vector<std::pair<std::string, std::vector<int>>> values(by_value.begin(), by_value.end());
  std::stable_sort(values.begin(), values.end(),
                   [](const auto& a, const auto& b) { return a.second.size() > b.second.size(); });
  AttributeGroups out;
  out.assignment.assign(n, -1);
  std::vector<int> small;
  for (auto& [value, members] : values) {
    const int count = static_cast<int>(members.size());
    if (spec.merge_small() && spec.min_size() > 0 && count < spec.min_size()) {
      small.insert(small.end(), members.begin(), members.end());
      continue;
    }
    const int parts = spec.max_size() > 0 ? (count + spec.max_size() - 1) / spec.max_size() : 1;
    const std::string label = value.empty() ? "(none)" : value;
    for (int part = 0; part < parts; ++part) {
      out.labels.push_back(parts == 1 ? label : absl::StrCat(label, " ", part + 1));
    }
    const int first = static_cast<int>(out.labels.size()) - parts;
    for (int k = 0; k < count; ++k) out.assignment[members[k]] = first + k % parts;
  }
  if (!small.empty()) {
    // Mixed groups of the small values, as few as max_size allows, sizes within one.
    const int parts = spec.max_size() > 0
                          ? (static_cast<int>(small.size()) + spec.max_size() - 1) / spec.max_size()
                          : 1;
    for (int part = 0; part < parts; ++part) {
      out.labels.push_back(parts == 1 ? "mixed" : absl::StrCat("mixed ", part + 1));
    }
    const int first = static_cast<int>(out.labels.size()) - parts;
    std::sort(small.begin(), small.end());
    for (size_t k = 0; k < small.size(); ++k) out.assignment[small[k]] = first + k % parts;
  }
  return out;
}

v1::Round MakeRound(int number, const std::vector<reg::Participant>& people,
                    const std::vector<int>& assignment, int group_count,
                    const std::vector<std::string>& labels,
                    const std::vector<std::string>& attributes,
                    const std::vector<double>& dissimilarity) {
  const int n = static_cast<int>(people.size());
  v1::Round round;
  round.set_number(number);
  std::vector<std::vector<int>> members(group_count);
  for (int i = 0; i < n; ++i) members[assignment[i]].push_back(i);
  for (int g = 0; g < group_count; ++g) {
    v1::Group* group = round.add_groups();
    group->set_number(g + 1);
    if (g < static_cast<int>(labels.size())) group->set_label(labels[g]);
    double diversity = 0;
    for (size_t a = 0; a < members[g].size(); ++a) {
      const reg::Participant& p = people[members[g][a]];
      v1::Member* m = group->add_members();
      m->set_participant_id(p.id());
      m->set_name(p.name());
      m->set_country(p.country());
      m->set_sector(AttributeValue(p, "sector"));
      m->set_organization(p.organization());
      for (size_t b = a + 1; b < members[g].size(); ++b) {
        diversity += dissimilarity[static_cast<size_t>(members[g][a]) * n + members[g][b]];
      }
    }
    group->set_diversity(diversity);
    for (const std::string& attribute : attributes) {
      std::map<std::string, int> counts;
      for (int i : members[g]) ++counts[AttributeValue(people[i], attribute)];
      v1::AttributeCounts* ac = group->add_counts();
      ac->set_attribute(attribute);
      for (const auto& [value, count] : counts) {
        v1::ValueCount* vc = ac->add_values();
        vc->set_value(value);
        vc->set_count(count);
      }
    }
  }
  return round;
}

absl::StatusOr<std::vector<int>> AssignmentOf(const v1::Round& round,
                                              const std::vector<reg::Participant>& people) {
  std::map<std::string, int> group_of;
  for (int g = 0; g < round.groups_size(); ++g) {
    for (const v1::Member& m : round.groups(g).members()) group_of[m.participant_id()] = g;
  }
  std::vector<int> assignment;
  for (const reg::Participant& p : people) {
    auto it = group_of.find(p.id());
    if (it == group_of.end()) {
      return absl::InternalError(absl::StrCat("plan: ", p.id(), " is in no group"));
    }
    assignment.push_back(it->second);
  }
  return assignment;
}

void MeasurePlan(const std::vector<double>& dissimilarity,
                 const std::vector<reg::Participant>& people, v1::GroupPlan& plan) {
  const int n = static_cast<int>(people.size());
  v1::PlanQuality* q = plan.mutable_quality();
  q->clear_balance();
  q->clear_constraint_report();
  q->set_participant_count(n);
  double objective = 0;
  std::map<std::string, int> index;
  for (int i = 0; i < n; ++i) index[people[i].id()] = i;
  std::vector<int> met(static_cast<size_t>(n) * n, 0);
  int repeats = 0;
  for (const v1::Round& round : plan.rounds()) {
    for (const v1::Group& group : round.groups()) {
      for (int a = 0; a < group.members_size(); ++a) {
        const int i = index[group.members(a).participant_id()];
        for (int b = a + 1; b < group.members_size(); ++b) {
          const int j = index[group.members(b).participant_id()];
          objective += dissimilarity[static_cast<size_t>(i) * n + j];
          if (met[static_cast<size_t>(std::min(i, j)) * n + std::max(i, j)]++ > 0) ++repeats;
        }
      }
    }
  }
  q->set_objective(objective);
  q->set_repeat_pairs(repeats);

  // Balance: for each attribute, |count - size * share| over every group and value.
  for (const std::string& attribute : ReportedAttributes(plan.spec())) {
    std::map<std::string, int> room;
    for (const reg::Participant& p : people) ++room[AttributeValue(p, attribute)];
    double sum = 0, worst = 0;
    int cells = 0;
    for (const v1::Round& round : plan.rounds()) {
      for (const v1::Group& group : round.groups()) {
        std::map<std::string, int> here;
        for (const v1::Member& m : group.members()) {
          ++here[AttributeValue(people[index[m.participant_id()]], attribute)];
        }
        for (const auto& [value, total] : room) {
          const double expected = group.members_size() * static_cast<double>(total) / n;
          const double deviation = std::abs(here[value] - expected);
          sum += deviation;
          worst = std::max(worst, deviation);
          ++cells;
        }
      }
    }
    v1::AttributeBalance* b = q->add_balance();
    b->set_attribute(attribute);
    b->set_mean_deviation(cells ? sum / cells : 0);
    b->set_max_deviation(worst);
  }

  // The constraint report: each constraint, checked against every round.
  const v1::PlanSpec& spec = plan.spec();
  auto groups_of = [&](const std::string& id) {
    std::vector<int> groups;
    for (const v1::Round& round : plan.rounds()) {
      for (const v1::Group& group : round.groups()) {
        for (const v1::Member& m : group.members()) {
          if (m.participant_id() == id) groups.push_back(group.number());
        }
      }
    }
    return groups;
  };
  for (const v1::ParticipantSet& set : spec.keep_together()) {
    bool held = true;
    for (const std::string& id : set.participant_ids()) {
      held = held && groups_of(id) == groups_of(set.participant_ids(0));
    }
    *q->add_constraint_report() =
        absl::StrCat("keep together ", absl::StrJoin(set.participant_ids(), ", "), ": ",
                     held ? "held in every round" : "BROKEN");
  }
  for (const v1::ParticipantSet& set : spec.keep_apart()) {
    bool held = true;
    for (int a = 0; a < set.participant_ids_size(); ++a) {
      for (int b = a + 1; b < set.participant_ids_size(); ++b) {
        std::vector<int> ga = groups_of(set.participant_ids(a));
        std::vector<int> gb = groups_of(set.participant_ids(b));
        for (size_t r = 0; r < ga.size() && r < gb.size(); ++r) held = held && ga[r] != gb[r];
      }
    }
    *q->add_constraint_report() =
        absl::StrCat("keep apart ", absl::StrJoin(set.participant_ids(), ", "), ": ",
                     held ? "held in every round" : "BROKEN");
  }
  if (spec.spread_facilitators()) {
    int facilitators = 0;
    for (const reg::Participant& p : people) facilitators += p.role() == reg::ROLE_FACILITATOR;
    bool held = true;
    for (const v1::Round& round : plan.rounds()) {
      const int g = round.groups_size();
      for (const v1::Group& group : round.groups()) {
        int here = 0;
        for (const v1::Member& m : group.members()) {
          here += people[index[m.participant_id()]].role() == reg::ROLE_FACILITATOR;
        }
        held = held && here >= facilitators / g && here <= (facilitators + g - 1) / g;
      }
    }
    *q->add_constraint_report() =
        absl::StrCat("spread ", facilitators,
                     " facilitators over the groups: ", held ? "held in every round" : "BROKEN");
  }
}

}  // namespace convene::grouping
