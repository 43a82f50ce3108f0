// convene groups make | show | list | move | publish | export
//
// Thin like the other nouns: the grouping service reads the participants from
// registration, checks the constraints, solves, scores and renders the export
// files; these commands only fill requests from flags and lay the plans out.

#include <cerrno>
#include <cstring>
#include <fstream>
#include <set>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "clients/cli/command.h"
#include "clients/cli/enums.h"
#include "clients/cli/service_client.h"
#include "convene/grouping/v1/grouping_service.grpc.pb.h"
#include "convene/registration/v1/registration.pb.h"
#include "services/common/status.h"

namespace convene::cli {
namespace {

namespace grouping = ::convene::grouping::v1;
using grouping::GroupingService;
using grouping::GroupPlan;

std::unique_ptr<GroupingService::Stub> Stub(const ServiceClient& client) {
  return GroupingService::NewStub(client.channel());
}

// Runs one GroupingService RPC against the service at $CONVENE_GROUPING_ADDR.
template <typename Request, typename Response, typename Rpc>
absl::Status CallGrouping(const Invocation& in, const Request& request, Response* response,
                          Rpc rpc) {
  ServiceClient client("grouping", in.timeout);
  auto stub = Stub(client);
  return client.Call(
      [&](grpc::ClientContext* context) { return ((*stub).*rpc)(context, request, response); });
}

// --- Reading flags ---------------------------------------------------------

// A whole number flag that may be large (--seed).
absl::StatusOr<uint64_t> SeedFlag(const ParsedArgs& args) {
  if (!args.Has("seed")) return 0;
  uint64_t seed;
  if (!absl::SimpleAtoi(args.Get("seed"), &seed)) {
    return UsageError(
        absl::StrCat("--seed must be a whole number, not \"", args.Get("seed"), "\""));
  }
  return seed;
}

// "country:3,sector:2,gender:1" -> weights in that order.
absl::Status ParseBalance(absl::string_view text, grouping::PlanSpec* spec) {
  for (absl::string_view item : absl::StrSplit(text, ',')) {
    item = absl::StripAsciiWhitespace(item);
    std::vector<absl::string_view> parts = absl::StrSplit(item, absl::MaxSplits(':', 1));
    double weight;
    if (parts.size() != 2 || absl::StripAsciiWhitespace(parts[0]).empty() ||
        !absl::SimpleAtod(absl::StripAsciiWhitespace(parts[1]), &weight)) {
      return UsageError(
          absl::StrCat("--balance item \"", item, "\" must be ATTRIBUTE:WEIGHT, e.g. country:3"));
    }
    grouping::AttributeWeight* w = spec->add_weights();
    w->set_attribute(std::string(absl::StripAsciiWhitespace(parts[0])));
    w->set_weight(weight);
  }
  return absl::OkStatus();
}

// Each value of a repeated flag ("A,B,C") as one set of participant ids.
void AddSets(const ParsedArgs& args, absl::string_view flag,
             google::protobuf::RepeatedPtrField<grouping::ParticipantSet>* sets) {
  for (const std::string& value : args.GetAll(flag)) {
    grouping::ParticipantSet* set = sets->Add();
    for (absl::string_view id : absl::StrSplit(value, ',', absl::SkipWhitespace())) {
      set->add_participant_ids(std::string(absl::StripAsciiWhitespace(id)));
    }
  }
}

// "confirmed" or "checked-in:YYYY-MM-DD".
absl::Status ParseEligible(absl::string_view text, grouping::PlanSpec* spec) {
  std::vector<absl::string_view> parts = absl::StrSplit(text, absl::MaxSplits(':', 1));
  CONVENE_ASSIGN_OR_RETURN(int eligibility,
                           ParseEnumFlag(grouping::Eligibility_descriptor(), "eligible", parts[0]));
  spec->set_eligibility(static_cast<grouping::Eligibility>(eligibility));
  if (parts.size() == 2) spec->set_checked_in_day(std::string(parts[1]));
  return absl::OkStatus();
}

absl::StatusOr<grouping::PlanSpec> SpecFromFlags(const ParsedArgs& args) {
  grouping::PlanSpec spec;
  CONVENE_ASSIGN_OR_RETURN(std::string event, RequiredFlag(args, "event"));
  spec.set_event_id(event);
  if (args.Has("groups") && args.Has("size")) {
    return UsageError("give either --groups or --size, not both");
  }
  CONVENE_ASSIGN_OR_RETURN(int groups, IntFlag(args, "groups", 0));
  CONVENE_ASSIGN_OR_RETURN(int size, IntFlag(args, "size", 0));
  CONVENE_ASSIGN_OR_RETURN(int min_size, IntFlag(args, "min-size", 0));
  CONVENE_ASSIGN_OR_RETURN(int max_size, IntFlag(args, "max-size", 0));
  CONVENE_ASSIGN_OR_RETURN(int rounds, IntFlag(args, "rounds", 0));
  CONVENE_ASSIGN_OR_RETURN(uint64_t seed, SeedFlag(args));
  spec.set_group_count(groups);
  spec.set_group_size(size);
  spec.set_min_size(min_size);
  spec.set_max_size(max_size);
  spec.set_rounds(rounds);
  spec.set_seed(seed);
  CONVENE_ASSIGN_OR_RETURN(int strategy, ParseEnumFlag(grouping::Strategy_descriptor(), "strategy",
                                                       args.Get("strategy")));
  // --by alone means one group per value of that attribute.
  if (!args.Has("strategy") && args.Has("by")) strategy = grouping::STRATEGY_BY_ATTRIBUTE;
  spec.set_strategy(static_cast<grouping::Strategy>(strategy));
  if (args.Has("balance")) CONVENE_RETURN_IF_ERROR(ParseBalance(args.Get("balance"), &spec));
  spec.set_by_attribute(args.Get("by"));
  spec.set_merge_small(args.Has("merge-small"));
  AddSets(args, "keep-together", spec.mutable_keep_together());
  AddSets(args, "keep-apart", spec.mutable_keep_apart());
  spec.set_spread_facilitators(args.Has("spread-facilitators"));
  if (args.Has("eligible")) CONVENE_RETURN_IF_ERROR(ParseEligible(args.Get("eligible"), &spec));
  return spec;
}

// --- Laying plans out ------------------------------------------------------

std::string StrategyName(grouping::Strategy strategy) {
  return strategy == grouping::STRATEGY_UNSPECIFIED
             ? "diverse"
             : EnumDisplay(grouping::Strategy_descriptor(), strategy);
}

// Registration's sector as people type it ("civil-society"), whether the
// service sent the enum's name or its display form.
std::string SectorName(const std::string& sector) {
  return EnumDisplayName(::convene::registration::v1::Sector_descriptor(), sector);
}

// "1.5", "12", "0.33": two decimals at most, no trailing zeros.
std::string Number(double value) {
  std::string text = absl::StrFormat("%.2f", value);
  text = std::string(absl::StripSuffix(absl::StripSuffix(text, "0"), "0"));
  return std::string(absl::StripSuffix(text, "."));
}

std::string SolverTime(double seconds) {
  if (seconds < 1) return absl::StrFormat("%.0f ms", seconds * 1000);
  return absl::StrFormat("%.2f s", seconds);
}

// "Group 2 (8): ID, KH, MY, PH" with the distinct countries of its members;
// a by-attribute group shows the value it gathers ("Group 3 (5): MY",
// "Group 6 (4) mixed: KH, LA").
std::string GroupHeading(const grouping::Group& group) {
  std::set<std::string> countries;
  for (const grouping::Member& m : group.members()) {
    if (!m.country().empty()) countries.insert(m.country());
  }
  const std::string list = absl::StrJoin(countries, ", ");
  std::string heading = absl::StrCat("Group ", group.number(), " (", group.members_size(), ")");
  if (!group.label().empty() && group.label() != list)
    absl::StrAppend(&heading, " ", group.label());
  if (!list.empty()) absl::StrAppend(&heading, ": ", list);
  return heading;
}

// One round: each group's heading, then its members (name, country, sector,
// id for `groups move`; the organisation when the terminal is wide enough).
// The members of all groups form one table so that the columns line up.
std::string RoundText(const grouping::Round& round) {
  constexpr int kIndent = 4;
  Table table;
  table.header = {"name", "country", "sector", "participant", "organization"};
  table.drop_order = {4};
  table.cut_order = {2, 0, 1};
  for (const grouping::Group& group : round.groups()) {
    for (const grouping::Member& m : group.members()) {
      table.rows.push_back(
          {m.name(), m.country(), SectorName(m.sector()), m.participant_id(), m.organization()});
    }
  }
  const std::vector<std::string> lines =
      absl::StrSplit(RenderTable(table, OutputWidth() - kIndent), '\n');
  const std::string indent(kIndent, ' ');
  std::string out = absl::StrCat("Round ", round.number(), "\n");
  size_t line = 1;  // lines[0] is the header
  for (const grouping::Group& group : round.groups()) {
    absl::StrAppend(&out, "  ", GroupHeading(group), "\n");
    if (group.members().empty()) continue;
    absl::StrAppend(&out, indent, lines[0], "\n");
    for (int i = 0; i < group.members_size(); ++i) {
      absl::StrAppend(&out, indent, lines[line++], "\n");
    }
  }
  return out;
}

// The quality figures and the plan's state, one per line.
std::string QualityText(const GroupPlan& plan) {
  const grouping::PlanQuality& q = plan.quality();
  std::vector<std::pair<std::string, std::string>> fields = {
      {"plan", plan.id()},
      {"event", plan.event_id()},
      {"strategy", StrategyName(plan.spec().strategy())},
      {"objective", Number(q.objective())},
  };
  for (int i = 0; i < q.balance_size(); ++i) {
    const grouping::AttributeBalance& b = q.balance(i);
    fields.emplace_back(i == 0 ? "balance" : "",
                        absl::StrCat(b.attribute(), ": mean deviation ", Number(b.mean_deviation()),
                                     ", max ", Number(b.max_deviation()), " people"));
  }
  if (plan.rounds_size() > 1 || q.repeat_pairs() > 0) {
    fields.emplace_back("repeat pairs", absl::StrCat(q.repeat_pairs()));
  }
  for (int i = 0; i < q.constraint_report_size(); ++i) {
    fields.emplace_back(i == 0 ? "constraints" : "", q.constraint_report(i));
  }
  fields.emplace_back("seed", absl::StrCat(q.seed()));
  fields.emplace_back("solver time", SolverTime(q.solver_seconds()));
  fields.emplace_back("participants", absl::StrCat(q.participant_count()));
  fields.emplace_back("status", plan.published() ? "published" : "draft");
  return RenderRecord(fields);
}

std::string PlanText(const GroupPlan& plan) {
  std::string out;
  for (const grouping::Round& round : plan.rounds()) absl::StrAppend(&out, RoundText(round), "\n");
  return absl::StrCat(out, QualityText(plan));
}

// One row per member of every round and group.
Table MemberCsv(const GroupPlan& plan) {
  Table table;
  table.header = {"round", "group", "participant_id", "name", "country", "sector", "organization"};
  for (const grouping::Round& round : plan.rounds()) {
    for (const grouping::Group& group : round.groups()) {
      for (const grouping::Member& m : group.members()) {
        table.rows.push_back({absl::StrCat(round.number()), absl::StrCat(group.number()),
                              m.participant_id(), m.name(), m.country(), SectorName(m.sector()),
                              m.organization()});
      }
    }
  }
  return table;
}

// A plan as each output format shows it; `table_text` is what table output
// prints.
void PrintPlan(const Invocation& in, const google::protobuf::Message& response,
               const GroupPlan& plan, const std::string& table_text) {
  switch (in.output) {
    case OutputFormat::kJson:
      *in.out << ToJson(response);
      break;
    case OutputFormat::kCsv:
      *in.out << RenderCsv(MemberCsv(plan));
      break;
    case OutputFormat::kTable:
      *in.out << table_text;
      break;
  }
}

// --- Commands --------------------------------------------------------------

absl::Status Make(const Invocation& in) {
  grouping::MakePlanRequest request;
  CONVENE_ASSIGN_OR_RETURN(*request.mutable_spec(), SpecFromFlags(in.args));
  request.set_request_id(in.args.Get("request-id"));
  grouping::MakePlanResponse response;
  CONVENE_RETURN_IF_ERROR(CallGrouping(in, request, &response, &GroupingService::Stub::MakePlan));
  PrintPlan(in, response, response.plan(),
            absl::StrCat("plan ", response.plan().id(), "\n\n", PlanText(response.plan())));
  return absl::OkStatus();
}

absl::Status Show(const Invocation& in) {
  grouping::GetPlanRequest request;
  request.set_plan_id(in.args.positional()[0]);
  grouping::GetPlanResponse response;
  CONVENE_RETURN_IF_ERROR(CallGrouping(in, request, &response, &GroupingService::Stub::GetPlan));
  PrintPlan(in, response, response.plan(), PlanText(response.plan()));
  return absl::OkStatus();
}

absl::Status List(const Invocation& in) {
  grouping::ListPlansRequest request;
  CONVENE_ASSIGN_OR_RETURN(std::string event, RequiredFlag(in.args, "event"));
  request.set_event_id(event);
  grouping::ListPlansResponse response;
  CONVENE_RETURN_IF_ERROR(CallGrouping(in, request, &response, &GroupingService::Stub::ListPlans));
  if (in.output == OutputFormat::kJson) {
    *in.out << ToJson(response);
    return absl::OkStatus();
  }
  if (in.output == OutputFormat::kTable && response.plans().empty()) {
    *in.out << "no plans yet; make one with: convene groups make --event " << event << "\n";
    return absl::OkStatus();
  }
  // Table output fits 80 columns: the day alone and a short header for the
  // participant count. CSV carries the full creation time.
  const bool csv = in.output == OutputFormat::kCsv;
  Table table;
  table.header = {csv ? "plan_id" : "plan",
                  "strategy",
                  "groups",
                  "rounds",
                  csv ? "participants" : "people",
                  "published",
                  csv ? "create_time" : "created"};
  for (const GroupPlan& plan : response.plans()) {
    const int groups =
        plan.rounds().empty() ? plan.spec().group_count() : plan.rounds(0).groups_size();
    const std::string created = FormatTimestamp(plan.create_time());
    table.rows.push_back(
        {plan.id(), StrategyName(plan.spec().strategy()), absl::StrCat(groups),
         absl::StrCat(plan.rounds_size()), absl::StrCat(plan.quality().participant_count()),
         csv ? (plan.published() ? "true" : "false") : (plan.published() ? "yes" : "no"),
         csv ? created : created.substr(0, 10)});
  }
  *in.out << (csv ? RenderCsv(table) : RenderTable(table));
  return absl::OkStatus();
}

absl::Status Move(const Invocation& in) {
  grouping::MoveMemberRequest request;
  request.set_plan_id(in.args.positional()[0]);
  CONVENE_ASSIGN_OR_RETURN(std::string participant, RequiredFlag(in.args, "participant"));
  CONVENE_ASSIGN_OR_RETURN(std::string to_text, RequiredFlag(in.args, "to"));
  CONVENE_ASSIGN_OR_RETURN(int to, IntFlag(in.args, "to", 0));
  CONVENE_ASSIGN_OR_RETURN(int round, IntFlag(in.args, "round", 1));
  request.set_participant_id(participant);
  request.set_to_group(to);
  request.set_round(round);
  // The objective before the move, so that people see what the move cost.
  grouping::GetPlanRequest get;
  get.set_plan_id(request.plan_id());
  grouping::GetPlanResponse before;
  CONVENE_RETURN_IF_ERROR(CallGrouping(in, get, &before, &GroupingService::Stub::GetPlan));
  grouping::MoveMemberResponse response;
  CONVENE_RETURN_IF_ERROR(CallGrouping(in, request, &response, &GroupingService::Stub::MoveMember));
  const GroupPlan& plan = response.plan();
  std::string text;
  for (const grouping::Round& r : plan.rounds()) {
    if (r.number() == round) text = RoundText(r);
  }
  absl::StrAppend(&text, "\nobjective ", Number(plan.quality().objective()), " (was ",
                  Number(before.plan().quality().objective()), ")\n");
  PrintPlan(in, response, plan, text);
  return absl::OkStatus();
}

absl::Status Publish(const Invocation& in) {
  grouping::PublishPlanRequest request;
  request.set_plan_id(in.args.positional()[0]);
  grouping::PublishPlanResponse response;
  CONVENE_RETURN_IF_ERROR(
      CallGrouping(in, request, &response, &GroupingService::Stub::PublishPlan));
  switch (in.output) {
    case OutputFormat::kJson:
      *in.out << ToJson(response);
      break;
    case OutputFormat::kCsv:
      *in.out << RenderCsv(Table{{"plan_id", "published"}, {{request.plan_id(), "true"}}});
      break;
    case OutputFormat::kTable:
      *in.out << "published " << request.plan_id() << "\n";
      break;
  }
  return absl::OkStatus();
}

absl::StatusOr<grouping::PlanExportFormat> ParseExportFormat(absl::string_view text) {
  const std::string format = absl::AsciiStrToLower(text);
  if (format == "csv") return grouping::PLAN_EXPORT_FORMAT_CSV;
  if (format == "md" || format == "markdown") return grouping::PLAN_EXPORT_FORMAT_MARKDOWN;
  return UsageError(absl::StrCat("--format must be csv or md, not \"", text, "\""));
}

absl::Status Export(const Invocation& in) {
  grouping::ExportPlanRequest request;
  request.set_plan_id(in.args.positional()[0]);
  CONVENE_ASSIGN_OR_RETURN(std::string format_text, RequiredFlag(in.args, "format"));
  CONVENE_ASSIGN_OR_RETURN(grouping::PlanExportFormat format, ParseExportFormat(format_text));
  request.set_format(format);
  grouping::ExportPlanResponse response;
  CONVENE_RETURN_IF_ERROR(CallGrouping(in, request, &response, &GroupingService::Stub::ExportPlan));
  return WriteExport(in, response, response.content(),
                     absl::StrCat("wrote ", in.args.Get("out"), "\n"));
}

}  // namespace

std::vector<Command> GroupsCommands() {
  using Kind = FlagSpec::Kind;
  return {
      {"groups",
       "make",
       "groups make --event EVENT_ID [--groups N | --size N] [--min-size N] [--max-size N] "
       "[--strategy diverse|by-attribute|random] [--balance ATTRIBUTE:WEIGHT,...] "
       "[--by ATTRIBUTE] [--merge-small] [--rounds R] [--seed S] [--keep-apart ID,ID]... "
       "[--keep-together ID,ID,...]... [--spread-facilitators] "
       "[--eligible confirmed|checked-in:YYYY-MM-DD] [--request-id ID]",
       "Splits the event's confirmed participants (or those checked in on a day) into groups, "
       "stores the plan and shows it with its quality. diverse mixes each group on the "
       "--balance attributes (default country:3,sector:2,gender:1); by-attribute (or --by "
       "alone) makes one group per value, e.g. --by country; random shuffles. --rounds makes "
       "several rounds that avoid repeat pairs; the same --seed gives the same plan. "
       "Constraints that cannot be met are refused, naming them.",
       {{"event"},
        {"groups"},
        {"size"},
        {"min-size"},
        {"max-size"},
        {"strategy"},
        {"balance"},
        {"by"},
        {"merge-small", Kind::kSwitch},
        {"rounds"},
        {"seed"},
        {"keep-apart", Kind::kRepeated},
        {"keep-together", Kind::kRepeated},
        {"spread-facilitators", Kind::kSwitch},
        {"eligible"},
        {"request-id"}},
       {},
       Make},
      {"groups",
       "show",
       "groups show PLAN_ID",
       "Shows each round's groups with their members' names, countries and sectors, then the "
       "quality: objective, balance per attribute, repeat pairs, constraints, seed.",
       {},
       {"PLAN_ID"},
       Show},
      {"groups",
       "list",
       "groups list --event EVENT_ID",
       "Lists the event's plans, newest first.",
       {{"event"}},
       {},
       List},
      {"groups",
       "move",
       "groups move PLAN_ID --participant PARTICIPANT_ID --to GROUP [--round N]",
       "Moves a participant to another group of the round (default 1) of a draft plan and "
       "shows that round and the new objective.",
       {{"participant"}, {"to"}, {"round"}},
       {"PLAN_ID"},
       Move},
      {"groups",
       "publish",
       "groups publish PLAN_ID",
       "Publishes the plan; a published plan can no longer change.",
       {},
       {"PLAN_ID"},
       Publish},
      {"groups",
       "export",
       "groups export PLAN_ID --format csv|md [--out FILE]",
       "Writes the plan as CSV or Markdown (with names) to standard output, or to FILE.",
       {{"format"}, {"out"}},
       {"PLAN_ID"},
       Export},
  };
}

}  // namespace convene::cli
