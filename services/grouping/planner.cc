#include "services/grouping/planner.h"

#include <algorithm>
#include <map>
#include <optional>
#include <random>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "services/common/csv.h"
#include "services/common/dates.h"
#include "services/common/ids.h"
#include "services/common/limits.h"
#include "services/common/requests.h"
#include "services/common/status.h"
#include "services/grouping/affine_rounds.h"
#include "services/grouping/plan_rules.h"
#include "services/grouping/rounds.h"

namespace convene::grouping {
namespace {

// The matrix a plan's quality is measured with: the spec's weights for diverse plans, the default
// mix (country 3, sector 2, gender 1) for the others, so that their objective is comparable.
absl::StatusOr<std::vector<double>> MeasureMatrix(v1::PlanSpec spec,
                                                  const std::vector<reg::Participant>& people) {
  if (spec.strategy() != v1::STRATEGY_DIVERSE) {
    spec.set_strategy(v1::STRATEGY_DIVERSE);
    SetDefaultWeights(spec);
  }
  const int n = static_cast<int>(people.size());
  std::vector<GroupBounds> one = {{0, n}};
  v1::PlanSpec bare = spec;
  bare.clear_keep_apart();
  bare.clear_keep_together();
  bare.set_spread_facilitators(false);
  CONVENE_ASSIGN_OR_RETURN(Problem problem, BuildProblem(bare, people, one, {}));
  return std::move(problem.dissimilarity);
}

// Counts the meetings of one round into `met` (n*n, both orders).
void Meet(const std::vector<int>& assignment, std::vector<int>& met) {
  const int n = static_cast<int>(assignment.size());
  for (int i = 0; i < n; ++i) {
    for (int j = 0; j < n; ++j) {
      if (i != j && assignment[i] == assignment[j]) ++met[static_cast<size_t>(i) * n + j];
    }
  }
}

uint64_t PickSeed(uint64_t asked) {
  if (asked != 0) return asked;
  std::random_device device;
  return (static_cast<uint64_t>(device()) << 32 | device()) % 1000000000 + 1;
}

std::vector<std::string> LabelsOf(const v1::Round& round) {
  std::vector<std::string> labels;
  for (const v1::Group& g : round.groups()) labels.push_back(g.label());
  return labels;
}

}  // namespace

int64_t SolverSteps(int n) {
  const int64_t scaled = 30000000 / std::max<int64_t>(1, static_cast<int64_t>(n) * n);
  return std::clamp<int64_t>(scaled, 1000, 20000);
}

int64_t RepairSteps(int n, int groups) {
  const int64_t per_step = static_cast<int64_t>(n) * (n / std::max(1, groups) + 1);
  return std::clamp<int64_t>(4000000 / std::max<int64_t>(1, per_step), 200, 20000);
}

int AffineSteps(int n, int rounds) {
  // Each proposal rebuilds and measures every round: about rounds * n * group size pair terms.
  const int64_t per_step = static_cast<int64_t>(rounds) * n * 8;
  return static_cast<int>(std::clamp<int64_t>(20000000 / std::max<int64_t>(1, per_step), 50, 5000));
}

absl::Status Planner::MakePlan(const v1::MakePlanRequest& request, v1::MakePlanResponse* response) {
  v1::PlanSpec spec = request.spec();
  CONVENE_RETURN_IF_ERROR(NormalizeSpec(spec));
  if (spec.strategy() == v1::STRATEGY_BY_ATTRIBUTE &&
      (!spec.keep_apart().empty() || !spec.keep_together().empty() || spec.spread_facilitators())) {
    return absl::InvalidArgumentError(
        "keep_apart: constraints apply to diverse and random plans, not to one group per value");
  }
  CONVENE_RETURN_IF_ERROR(registration_->GetEvent(spec.event_id()).status());
  CONVENE_ASSIGN_OR_RETURN(std::vector<reg::Participant> all,
                           registration_->ListParticipants(spec.event_id()));
  const std::vector<reg::Participant> people = Eligible(spec, all);
  CONVENE_RETURN_IF_ERROR(CheckPlanSize(static_cast<int>(people.size())));
  CONVENE_RETURN_IF_ERROR(CheckAttributesKnown(spec, people));
  const int n = static_cast<int>(people.size());
  const uint64_t seed = PickSeed(spec.seed());

  v1::GroupPlan plan;
  plan.set_event_id(spec.event_id());
  *plan.mutable_spec() = spec;
  const absl::Time started = absl::Now();
  CONVENE_ASSIGN_OR_RETURN(std::vector<double> measure, MeasureMatrix(spec, people));
  const std::vector<std::string> attributes = ReportedAttributes(spec);
  if (spec.strategy() == v1::STRATEGY_BY_ATTRIBUTE) {
    CONVENE_ASSIGN_OR_RETURN(AttributeGroups groups, GroupByAttribute(spec, people));
    *plan.add_rounds() =
        MakeRound(1, people, groups.assignment, static_cast<int>(groups.labels.size()),
                  groups.labels, attributes, measure);
  } else {
    CONVENE_ASSIGN_OR_RETURN(std::vector<GroupBounds> bounds, PlanBounds(spec, n));
    std::vector<int> met(static_cast<size_t>(n) * n, 0);
    std::vector<std::vector<int>> assignments;
    Problem constraints;  // round 1's problem: the constraints every round keeps
    for (int r = 1; r <= spec.rounds(); ++r) {
      if (r == 2 && !constraints.keep_together.size() && !constraints.keep_apart.size() &&
          !constraints.spread.size()) {
        // Equal groups of a prime-power count: later rounds by construction, repeat-free.
        std::optional<std::vector<std::vector<int>>> built =
            AffineRounds(n, static_cast<int>(bounds.size()), spec.rounds(), assignments[0], measure,
                         seed, AffineSteps(n, spec.rounds()));
        if (built) {
          for (size_t k = 1; k < built->size(); ++k) {
            Meet((*built)[k], met);
            assignments.push_back(std::move((*built)[k]));
          }
          r = static_cast<int>(assignments.size());
          continue;
        }
      }
      CONVENE_ASSIGN_OR_RETURN(
          Problem problem, BuildProblem(spec, people, bounds, r == 1 ? std::vector<int>() : met));
      CONVENE_RETURN_IF_ERROR(ValidateProblem(problem));
      SolveOptions options;
      options.seed = seed + static_cast<uint64_t>(r - 1);
      options.max_iterations =
          spec.strategy() == v1::STRATEGY_RANDOM && r == 1 ? 1 : SolverSteps(n);
      CONVENE_ASSIGN_OR_RETURN(Solution solution, Solve(problem, options));
      Meet(solution.assignment, met);
      assignments.push_back(std::move(solution.assignment));
      if (r == 1) constraints = std::move(problem);
    }
    // Each round was mixed on its own; now trade places within rounds to undo repeated pairs.
    RepairRepeats(constraints, assignments, seed, RepairSteps(n, static_cast<int>(bounds.size())));
    for (int r = 1; r <= spec.rounds(); ++r) {
      *plan.add_rounds() = MakeRound(r, people, assignments[r - 1], static_cast<int>(bounds.size()),
                                     {}, attributes, measure);
    }
  }
  MeasurePlan(measure, people, plan);
  plan.mutable_quality()->set_seed(seed);
  plan.mutable_quality()->set_solver_seconds(absl::ToDoubleSeconds(absl::Now() - started));

  auto txn = store_->BeginWrite();
  CONVENE_RETURN_IF_ERROR(txn->status());
  CONVENE_ASSIGN_OR_RETURN(bool replayed,
                           ReplayLoggedResponse(store_->db(), "MakePlan", request, response));
  if (replayed) return txn->Commit();  // answered once what it read is on disk
  plan.set_id(NewId("gpl"));
  ToTimestamp(absl::Now(), plan.mutable_create_time());
  ToTimestamp(absl::Now(), plan.mutable_update_time());
  CONVENE_RETURN_IF_ERROR(store_->InsertPlan({plan, people}));
  *response->mutable_plan() = std::move(plan);
  CONVENE_RETURN_IF_ERROR(LogResponseFor(store_->db(), "MakePlan", request, *response));
  return txn->Commit();
}

absl::StatusOr<std::string> Planner::EventOfPlan(absl::string_view plan_id) {
  CONVENE_RETURN_IF_ERROR(Required("plan_id", plan_id));
  auto lock = store_->LockForRead();
  CONVENE_ASSIGN_OR_RETURN(StoredPlan stored, store_->GetPlan(plan_id));
  return stored.plan.event_id();
}

absl::Status Planner::GetPlan(const v1::GetPlanRequest& request, v1::GetPlanResponse* response) {
  CONVENE_RETURN_IF_ERROR(Required("plan_id", request.plan_id()));
  auto lock = store_->LockForRead();
  CONVENE_ASSIGN_OR_RETURN(StoredPlan stored, store_->GetPlan(request.plan_id()));
  *response->mutable_plan() = std::move(stored.plan);
  return absl::OkStatus();
}

absl::Status Planner::ListPlans(const v1::ListPlansRequest& request,
                                v1::ListPlansResponse* response) {
  CONVENE_RETURN_IF_ERROR(Required("event_id", request.event_id()));
  auto lock = store_->LockForRead();
  CONVENE_ASSIGN_OR_RETURN(std::vector<v1::GroupPlan> plans,
                           store_->PlansOfEvent(request.event_id()));
  for (v1::GroupPlan& plan : plans) *response->add_plans() = std::move(plan);
  // Plans have no pages; an event with many large plans gets a clear answer, not a failed send.
  return CheckResponseSize(*response, "read the plans one at a time with GetPlan");
}

absl::Status Planner::MoveMember(const v1::MoveMemberRequest& request,
                                 v1::MoveMemberResponse* response) {
  CONVENE_RETURN_IF_ERROR(Required("plan_id", request.plan_id()));
  CONVENE_RETURN_IF_ERROR(Required("participant_id", request.participant_id()));
  auto txn = store_->BeginWrite();
  CONVENE_RETURN_IF_ERROR(txn->status());
  CONVENE_ASSIGN_OR_RETURN(StoredPlan stored, store_->GetPlan(request.plan_id()));
  v1::GroupPlan& plan = stored.plan;
  if (plan.published()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "plan ", plan.id(), " is published and locked; make a new plan to change the groups"));
  }
  const int round_number = request.round() == 0 ? 1 : request.round();
  if (round_number < 1 || round_number > plan.rounds_size()) {
    return absl::InvalidArgumentError(absl::StrCat("round: the plan has rounds 1 to ",
                                                   plan.rounds_size(), ", not ", round_number));
  }
  v1::Round& round = *plan.mutable_rounds(round_number - 1);
  if (request.to_group() < 1 || request.to_group() > round.groups_size()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "to_group: the round has groups 1 to ", round.groups_size(), ", not ", request.to_group()));
  }
  CONVENE_ASSIGN_OR_RETURN(std::vector<int> assignment, AssignmentOf(round, stored.people));
  auto it =
      std::find_if(stored.people.begin(), stored.people.end(),
                   [&](const reg::Participant& p) { return p.id() == request.participant_id(); });
  if (it == stored.people.end()) {
    return absl::NotFoundError(
        absl::StrCat("participant ", request.participant_id(), " is not in plan ", plan.id()));
  }
  assignment[it - stored.people.begin()] = request.to_group() - 1;
  const v1::PlanSpec& spec = plan.spec();
  std::vector<int> sizes(round.groups_size(), 0);
  for (int g : assignment) ++sizes[g];
  for (int g = 0; g < round.groups_size(); ++g) {
    if ((spec.max_size() > 0 && sizes[g] > spec.max_size()) ||
        (spec.min_size() > 0 && sizes[g] < spec.min_size())) {
      return absl::FailedPreconditionError(
          absl::StrCat("to_group: group ", g + 1, " would have ", sizes[g],
                       " members, outside the plan's bounds ", spec.min_size(), " to ",
                       spec.max_size() > 0 ? absl::StrCat(spec.max_size()) : "any"));
    }
  }
  CONVENE_ASSIGN_OR_RETURN(std::vector<double> measure, MeasureMatrix(spec, stored.people));
  round = MakeRound(round_number, stored.people, assignment, round.groups_size(), LabelsOf(round),
                    ReportedAttributes(spec), measure);
  const uint64_t seed = plan.quality().seed();
  const double seconds = plan.quality().solver_seconds();
  MeasurePlan(measure, stored.people, plan);
  plan.mutable_quality()->set_seed(seed);
  plan.mutable_quality()->set_solver_seconds(seconds);
  for (const std::string& line : plan.quality().constraint_report()) {
    if (absl::EndsWith(line, "BROKEN")) {
      return absl::FailedPreconditionError(absl::StrCat(
          "participant_id: moving ", request.participant_id(),
          " would break: ", line.substr(0, line.size() - std::string(": BROKEN").size())));
    }
  }
  ToTimestamp(absl::Now(), plan.mutable_update_time());
  CONVENE_RETURN_IF_ERROR(store_->UpdatePlan(plan));
  *response->mutable_plan() = plan;
  return txn->Commit();
}

absl::Status Planner::PublishPlan(const v1::PublishPlanRequest& request,
                                  v1::PublishPlanResponse* response) {
  CONVENE_RETURN_IF_ERROR(Required("plan_id", request.plan_id()));
  auto txn = store_->BeginWrite();
  CONVENE_RETURN_IF_ERROR(txn->status());
  CONVENE_ASSIGN_OR_RETURN(StoredPlan stored, store_->GetPlan(request.plan_id()));
  if (!stored.plan.published()) {
    stored.plan.set_published(true);
    ToTimestamp(absl::Now(), stored.plan.mutable_update_time());
    CONVENE_RETURN_IF_ERROR(store_->UpdatePlan(stored.plan));
  }
  *response->mutable_plan() = std::move(stored.plan);
  return txn->Commit();
}

absl::Status Planner::ExportPlan(const v1::ExportPlanRequest& request,
                                 v1::ExportPlanResponse* response) {
  CONVENE_RETURN_IF_ERROR(Required("plan_id", request.plan_id()));
  if (request.format() != v1::PLAN_EXPORT_FORMAT_CSV &&
      request.format() != v1::PLAN_EXPORT_FORMAT_MARKDOWN) {
    return absl::InvalidArgumentError("format: is required (csv or markdown)");
  }
  v1::GroupPlan plan;
  {
    auto lock = store_->LockForRead();
    CONVENE_ASSIGN_OR_RETURN(StoredPlan stored, store_->GetPlan(request.plan_id()));
    plan = std::move(stored.plan);
  }
  std::string out;
  if (request.format() == v1::PLAN_EXPORT_FORMAT_CSV) {
    out = CsvLine(
        {"round", "group", "label", "participant_id", "name", "country", "sector", "organization"});
    for (const v1::Round& round : plan.rounds()) {
      for (const v1::Group& group : round.groups()) {
        for (const v1::Member& m : group.members()) {
          out += CsvLine({absl::StrCat(round.number()), absl::StrCat(group.number()), group.label(),
                          m.participant_id(), m.name(), m.country(), m.sector(), m.organization()});
        }
      }
    }
    response->set_media_type("text/csv");
    response->set_file_name(absl::StrCat(plan.id(), ".csv"));
  } else {
    CONVENE_ASSIGN_OR_RETURN(reg::Event event, registration_->GetEvent(plan.event_id()));
    absl::StrAppend(&out, "# Groups: ", event.title(), "\n\n");
    absl::StrAppend(&out, plan.quality().participant_count(), " participants, ",
                    plan.rounds(0).groups_size(), " groups",
                    plan.rounds_size() > 1 ? absl::StrCat(", ", plan.rounds_size(), " rounds") : "",
                    plan.published() ? " (published)" : " (draft)", "\n");
    for (const v1::Round& round : plan.rounds()) {
      const bool rounds = plan.rounds_size() > 1;
      if (rounds) absl::StrAppend(&out, "\n## Round ", round.number(), "\n");
      for (const v1::Group& group : round.groups()) {
        absl::StrAppend(&out, rounds ? "\n### Group " : "\n## Group ", group.number(),
                        group.label().empty() ? "" : absl::StrCat(": ", group.label()), " (",
                        group.members_size(), ")\n\n");
        for (const v1::Member& m : group.members()) {
          std::vector<std::string> about;
          for (const std::string* part : {&m.organization(), &m.country(), &m.sector()}) {
            if (!part->empty()) about.push_back(*part);
          }
          absl::StrAppend(&out, "- ", m.name(),
                          about.empty() ? "" : absl::StrCat(" (", absl::StrJoin(about, ", "), ")"),
                          "\n");
        }
      }
    }
    absl::StrAppend(&out, "\n## Quality\n\n",
                    absl::StrFormat("- Objective: %.1f\n", plan.quality().objective()));
    for (const v1::AttributeBalance& b : plan.quality().balance()) {
      absl::StrAppend(&out, absl::StrFormat("- Balance of %s: mean deviation %.2f, worst %.2f\n",
                                            b.attribute(), b.mean_deviation(), b.max_deviation()));
    }
    absl::StrAppend(&out, "- Repeated pairs across rounds: ", plan.quality().repeat_pairs(), "\n");
    for (const std::string& line : plan.quality().constraint_report()) {
      absl::StrAppend(&out, "- ", line, "\n");
    }
    absl::StrAppend(&out, "- Seed: ", plan.quality().seed(), "\n");
    response->set_media_type("text/markdown");
    response->set_file_name(absl::StrCat(plan.id(), ".md"));
  }
  response->set_content(std::move(out));
  return absl::OkStatus();
}

}  // namespace convene::grouping
