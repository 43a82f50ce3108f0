// The grouping service's MakePlan request (any bytes read as a MakePlanRequest) through the rules
// and the solver that Planner::MakePlan applies (services/grouping/plan_rules.h, mdgp.h, rounds.h,
// affine_rounds.h), for the first 16 of the demo's participants (10 checked in on 2024-10-01),
// since the Planner asks registration for them first. The solver's budgets are cut to a few
// hundred steps so that one input takes milliseconds; the search itself is not what is fuzzed.
//
// Properties: errors are INVALID_ARGUMENT, FAILED_PRECONDITION (constraints that cannot hold) or
// RESOURCE_EXHAUSTED; every round places every eligible person in exactly one group, within the
// bounds, honouring the spec's constraints (CheckFeasible); AssignmentOf reads each round back.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "convene/grouping/v1/grouping_service.pb.h"
#include "fuzz/fuzz_support.h"
#include "services/common/status.h"
#include "services/grouping/affine_rounds.h"
#include "services/grouping/mdgp.h"
#include "services/grouping/plan_rules.h"
#include "services/grouping/rounds.h"

namespace {

namespace gv1 = ::convene::grouping::v1;
namespace rv1 = ::convene::registration::v1;
using namespace ::convene::grouping;  // NOLINT: the rules under test

constexpr int kSteps = 300;

const std::vector<rv1::Participant>& People() {
  static const auto* people = [] {
    std::vector<rv1::Participant> all = convene::fuzz::DemoParticipants(/*checked_in=*/10);
    all.resize(16);
    return new std::vector<rv1::Participant>(std::move(all));
  }();
  return *people;
}

void CheckStatus(const absl::Status& status) {
  const bool expected = status.ok() || absl::IsInvalidArgument(status) ||
                        absl::IsFailedPrecondition(status) || absl::IsResourceExhausted(status);
  CONVENE_FUZZ_CHECK(expected, status.ToString());
}

void CheckRound(const gv1::Round& round, const std::vector<rv1::Participant>& people,
                const std::vector<int>& assignment) {
  absl::StatusOr<std::vector<int>> read = AssignmentOf(round, people);
  CONVENE_FUZZ_CHECK(read.ok(), "a made round does not read back: " + read.status().ToString());
  CONVENE_FUZZ_CHECK(*read == assignment, "a made round reads back as another assignment");
  int members = 0;
  for (const gv1::Group& g : round.groups()) members += g.members_size();
  CONVENE_FUZZ_CHECK(members == static_cast<int>(people.size()),
                     absl::StrCat(members, " members for ", people.size(), " people"));
}

absl::Status MakePlan(const gv1::MakePlanRequest& request) {
  gv1::PlanSpec spec = request.spec();
  CONVENE_RETURN_IF_ERROR(NormalizeSpec(spec));
  if (spec.strategy() == gv1::STRATEGY_BY_ATTRIBUTE &&
      (!spec.keep_apart().empty() || !spec.keep_together().empty() || spec.spread_facilitators())) {
    return absl::InvalidArgumentError("keep_apart: not with one group per value");
  }
  const std::vector<rv1::Participant> people = Eligible(spec, People());
  CONVENE_RETURN_IF_ERROR(CheckPlanSize(static_cast<int>(people.size())));
  CONVENE_RETURN_IF_ERROR(CheckAttributesKnown(spec, people));
  const int n = static_cast<int>(people.size());
  const uint64_t seed = spec.seed() == 0 ? 1 : spec.seed();

  // The matrix plans are measured with (planner.cc's MeasureMatrix).
  gv1::PlanSpec measured = spec;
  if (measured.strategy() != gv1::STRATEGY_DIVERSE) {
    measured.set_strategy(gv1::STRATEGY_DIVERSE);
    SetDefaultWeights(measured);
  }
  measured.clear_keep_apart();
  measured.clear_keep_together();
  measured.set_spread_facilitators(false);
  CONVENE_ASSIGN_OR_RETURN(Problem whole, BuildProblem(measured, people, {{0, n}}, {}));
  const std::vector<double>& measure = whole.dissimilarity;

  gv1::GroupPlan plan;
  plan.set_event_id(spec.event_id());
  *plan.mutable_spec() = spec;
  const std::vector<std::string> attributes = ReportedAttributes(spec);
  if (spec.strategy() == gv1::STRATEGY_BY_ATTRIBUTE) {
    CONVENE_ASSIGN_OR_RETURN(AttributeGroups groups, GroupByAttribute(spec, people));
    CONVENE_FUZZ_CHECK(groups.assignment.size() == people.size(), "not everyone grouped");
    for (int g : groups.assignment) {
      CONVENE_FUZZ_CHECK(g >= 0 && g < static_cast<int>(groups.labels.size()),
                         absl::StrCat("group ", g, " of ", groups.labels.size()));
    }
    *plan.add_rounds() = MakeRound(1, people, groups.assignment,
                                   static_cast<int>(groups.labels.size()), groups.labels,
                                   attributes, measure);
    CheckRound(plan.rounds(0), people, groups.assignment);
  } else {
    CONVENE_ASSIGN_OR_RETURN(std::vector<GroupBounds> bounds, PlanBounds(spec, n));
    std::vector<int> met(static_cast<size_t>(n) * n, 0);
    std::vector<std::vector<int>> assignments;
    Problem constraints;
    for (int r = 1; r <= spec.rounds(); ++r) {
      if (r == 2 && constraints.keep_together.empty() && constraints.keep_apart.empty() &&
          constraints.spread.empty()) {
        std::optional<std::vector<std::vector<int>>> built =
            AffineRounds(n, static_cast<int>(bounds.size()), spec.rounds(), assignments[0],
                         measure, seed, 20);
        if (built) {
          for (size_t k = 1; k < built->size(); ++k) assignments.push_back(std::move((*built)[k]));
          r = static_cast<int>(assignments.size());
          continue;
        }
      }
      CONVENE_ASSIGN_OR_RETURN(Problem problem,
                               BuildProblem(spec, people, bounds, r == 1 ? std::vector<int>() : met));
      CONVENE_RETURN_IF_ERROR(ValidateProblem(problem));
      SolveOptions options;
      options.seed = seed + static_cast<uint64_t>(r - 1);
      options.max_iterations = spec.strategy() == gv1::STRATEGY_RANDOM && r == 1 ? 1 : kSteps;
      CONVENE_ASSIGN_OR_RETURN(Solution solution, Solve(problem, options));
      const absl::Status feasible = CheckFeasible(problem, solution.assignment);
      CONVENE_FUZZ_CHECK(feasible.ok(), "Solve returned an infeasible round: " + feasible.ToString());
      for (int i = 0; i < n; ++i) {
        for (int j = 0; j < n; ++j) {
          if (i != j && solution.assignment[i] == solution.assignment[j]) ++met[i * n + j];
        }
      }
      assignments.push_back(std::move(solution.assignment));
      if (r == 1) constraints = std::move(problem);
    }
    RepairRepeats(constraints, assignments, seed, kSteps);
    CONVENE_FUZZ_CHECK(static_cast<int>(assignments.size()) == spec.rounds(),
                       absl::StrCat(assignments.size(), " rounds for ", spec.rounds()));
    for (int r = 1; r <= spec.rounds(); ++r) {
      const absl::Status feasible = CheckFeasible(constraints, assignments[r - 1]);
      CONVENE_FUZZ_CHECK(feasible.ok(), absl::StrCat("round ", r, " breaks the spec after repair: ",
                                                     feasible.ToString()));
      *plan.add_rounds() = MakeRound(r, people, assignments[r - 1],
                                     static_cast<int>(bounds.size()), {}, attributes, measure);
      CheckRound(plan.rounds(r - 1), people, assignments[r - 1]);
    }
  }
  MeasurePlan(measure, people, plan);
  std::string bytes;
  gv1::GroupPlan copy;
  CONVENE_FUZZ_CHECK(plan.SerializeToString(&bytes) && copy.ParseFromString(bytes),
                     "a plan cannot be stored and read back");
  return absl::OkStatus();
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  convene::fuzz::QuietProtobuf();
  People();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  gv1::MakePlanRequest request;
  if (!request.ParseFromArray(data, static_cast<int>(size))) return 0;
  CheckStatus(MakePlan(request));
  return 0;
}
