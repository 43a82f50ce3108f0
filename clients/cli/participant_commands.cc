// convene participant add | import | list | show | update | cancel | checkin |
// summary

#include <unistd.h>

#include <algorithm>
#include <iterator>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "clients/cli/command.h"
#include "clients/cli/enums.h"
#include "clients/cli/proto_flags.h"
#include "clients/cli/registration_output.h"
#include "clients/cli/service_client.h"
#include "convene/registration/v1/registration_service.grpc.pb.h"
#include "services/common/csv.h"
#include "services/common/ids.h"
#include "services/common/status.h"

namespace convene::cli {
namespace {

using registration::Participant;
using registration::RegistrationService;

// The participant's writable fields by flag (all but the event, which only
// `add` takes, as --event).
const std::vector<FlagField>& ParticipantFlags() {
  static const auto* flags = new std::vector<FlagField>{
      {"name", "name"},
      {"email", "email"},
      {"country", "country"},
      {"organization", "organization"},
      {"sector", "sector"},
      {"gender", "gender"},
      {"role", "role"},
      {"attendance-mode", "attendance_mode"},
      {"nominated-by", "nominated_by"},
      {"attribute", "attributes"},
  };
  return *flags;
}

std::vector<FlagSpec> ParticipantFlagSpecs() {
  return FlagSpecsFor(Participant::descriptor(), ParticipantFlags());
}

// List filters by flag, fields of ListParticipantsRequest.
const std::vector<FlagField>& ListFilterFlags() {
  static const auto* flags = new std::vector<FlagField>{
      {"status", "status"}, {"country", "country"}, {"sector", "sector"},
      {"role", "role"},     {"gender", "gender"},
  };
  return *flags;
}

// Imports of more rows than this show progress on a terminal.
constexpr size_t kProgressRows = 1000;

// One participant in the chosen output format; `table_line` is what the table
// output prints, since each command says something different about it.
void PrintParticipant(const Invocation& in, const google::protobuf::Message& response,
                      const Participant& participant, const std::string& table_line) {
  switch (in.output) {
    case OutputFormat::kJson:
      *in.out << ToJson(response);
      break;
    case OutputFormat::kCsv: {
      google::protobuf::RepeatedPtrField<Participant> one;
      *one.Add() = participant;
      *in.out << RenderCsv(ParticipantTable(one, in.output));
      break;
    }
    case OutputFormat::kTable:
      *in.out << table_line;
      break;
  }
}

absl::Status Add(const Invocation& in) {
  registration::AddParticipantRequest request;
  CONVENE_ASSIGN_OR_RETURN(std::string event, RequiredFlag(in.args, "event"));
  request.mutable_participant()->set_event_id(event);
  CONVENE_RETURN_IF_ERROR(
      SetFieldsFromFlags(in.args, ParticipantFlags(), request.mutable_participant(), nullptr));
  request.set_request_id(in.args.Get("request-id"));
  registration::AddParticipantResponse response;
  ServiceClient client("registration", in.timeout);
  auto stub = RegistrationService::NewStub(client.channel());
  CONVENE_RETURN_IF_ERROR(client.Call([&](grpc::ClientContext* context) {
    return stub->AddParticipant(context, request, &response);
  }));
  const Participant& p = response.participant();
  PrintParticipant(in, response, p, absl::StrCat(p.id(), " ", StatusName(p.status()), "\n"));
  return absl::OkStatus();
}

// Progress of a large import, on a terminal only: a script piping stderr
// wants errors there, not progress.
class Progress {
 public:
  Progress(std::ostream* err, bool show) : err_(err), show_(show) {}
  void Say(absl::string_view message) {
    if (!show_) return;
    *err_ << absl::StrFormat("%s (%.1fs)\n", message, absl::ToDoubleSeconds(absl::Now() - start_));
    err_->flush();
  }

 private:
  std::ostream* err_;
  bool show_;
  absl::Time start_ = absl::Now();
};

absl::Status Import(const Invocation& in) {
  CONVENE_ASSIGN_OR_RETURN(std::string event, RequiredFlag(in.args, "event"));
  const std::string& path = in.args.positional()[0];
  const std::string shown_path = path == "-" ? "standard input" : path;
  CONVENE_ASSIGN_OR_RETURN(std::vector<CsvRecord> records,
                           ReadCsvInput(path, "name,email,country,..."));
  const bool large = records.size() - 1 > kProgressRows;
  Progress progress(in.err, large && isatty(STDERR_FILENO));
  progress.Say(absl::StrCat("read ", records.size() - 1, " rows from ", shown_path));

  registration::ImportParticipantsRequest request;
  request.set_event_id(event);
  FillImportRequest(std::move(records), request);
  request.set_skip_invalid(in.args.Has("skip-invalid"));
  request.set_validate_only(in.args.Has("dry-run"));
  // A fresh id per run: if the RPC is retried after a lost answer, the
  // service imports the rows once.
  request.set_request_id(NewId("imp"));

  progress.Say(absl::StrCat("sending ", request.rows_size(), " rows..."));
  registration::ImportParticipantsResponse response;
  ServiceClient client("registration", in.timeout);
  auto stub = RegistrationService::NewStub(client.channel());
  CONVENE_RETURN_IF_ERROR(client.Call([&](grpc::ClientContext* context) {
    return stub->ImportParticipants(context, request, &response);
  }));
  progress.Say("done");

  const int rows = request.rows_size();
  CONVENE_ASSIGN_OR_RETURN(const int bad_rows,
                           ReportRowErrors(in, response.errors(), rows, request.skip_invalid()));
  switch (in.output) {
    case OutputFormat::kJson:
      *in.out << ToJson(response);
      break;
    case OutputFormat::kCsv:
      *in.out << RenderCsv(ParticipantTable(response.participants(), in.output));
      break;
    case OutputFormat::kTable: {
      const int imported = response.participants_size();
      const std::string counts = absl::StrCat(response.confirmed_count(), " confirmed, ",
                                              response.waitlisted_count(), " waitlisted");
      if (request.validate_only()) {
        *in.out << absl::StrCat("dry run: ", rows - bad_rows, " of ", rows,
                                " rows are valid; nothing was imported\n");
      } else {
        *in.out << absl::StrCat("imported ", imported, " participant", imported == 1 ? "" : "s",
                                ": ", counts, "\n");
      }
      break;
    }
  }
  return absl::OkStatus();
}

absl::Status List(const Invocation& in) {
  registration::ListParticipantsRequest request;
  CONVENE_ASSIGN_OR_RETURN(std::string event, RequiredFlag(in.args, "event"));
  request.set_event_id(event);
  CONVENE_RETURN_IF_ERROR(SetFieldsFromFlags(in.args, ListFilterFlags(), &request, nullptr));
  CONVENE_ASSIGN_OR_RETURN(int limit, IntFlag(in.args, "limit", 0));

  ServiceClient client("registration", in.timeout);
  auto stub = RegistrationService::NewStub(client.channel());
  // Every page collected into one response, so that JSON output is a single
  // document with no page token.
  registration::ListParticipantsResponse all;
  CONVENE_RETURN_IF_ERROR(CollectPages(
      client, limit, request, &all,
      [&](grpc::ClientContext* context, auto& page) {
        return stub->ListParticipants(context, request, &page);
      },
      [](auto& response) { return response.mutable_participants(); }));

  switch (in.output) {
    case OutputFormat::kJson:
      *in.out << ToJson(all);
      break;
    case OutputFormat::kCsv:
      *in.out << RenderCsv(ParticipantTable(all.participants(), in.output));
      break;
    case OutputFormat::kTable:
      if (all.participants().empty()) {
        *in.out << "no participants match\n";
      } else {
        *in.out << RenderTable(ParticipantTable(all.participants(), in.output));
      }
      break;
  }
  return absl::OkStatus();
}

absl::Status Show(const Invocation& in) {
  registration::GetParticipantRequest request;
  request.set_participant_id(in.args.positional()[0]);
  registration::GetParticipantResponse response;
  ServiceClient client("registration", in.timeout);
  auto stub = RegistrationService::NewStub(client.channel());
  CONVENE_RETURN_IF_ERROR(client.Call([&](grpc::ClientContext* context) {
    return stub->GetParticipant(context, request, &response);
  }));
  PrintParticipant(in, response, response.participant(), ParticipantRecord(response.participant()));
  return absl::OkStatus();
}

absl::Status Update(const Invocation& in) {
  registration::UpdateParticipantRequest request;
  request.mutable_participant()->set_id(in.args.positional()[0]);
  CONVENE_RETURN_IF_ERROR(SetFieldsFromFlags(
      in.args, ParticipantFlags(), request.mutable_participant(), request.mutable_update_mask()));
  // An empty mask means "every field" to the service, which would blank
  // everything the user did not retype.
  if (request.update_mask().paths().empty()) {
    return UsageError(
        "convene participant update needs at least one field to change, e.g. "
        "--email ADDRESS");
  }
  registration::UpdateParticipantResponse response;
  ServiceClient client("registration", in.timeout);
  auto stub = RegistrationService::NewStub(client.channel());
  CONVENE_RETURN_IF_ERROR(client.Call([&](grpc::ClientContext* context) {
    return stub->UpdateParticipant(context, request, &response);
  }));
  PrintParticipant(in, response, response.participant(), ParticipantRecord(response.participant()));
  return absl::OkStatus();
}

absl::Status Cancel(const Invocation& in) {
  registration::CancelParticipantRequest request;
  request.set_participant_id(in.args.positional()[0]);
  registration::CancelParticipantResponse response;
  ServiceClient client("registration", in.timeout);
  auto stub = RegistrationService::NewStub(client.channel());
  CONVENE_RETURN_IF_ERROR(client.Call([&](grpc::ClientContext* context) {
    return stub->CancelParticipant(context, request, &response);
  }));
  const Participant& p = response.participant();
  std::string line = absl::StrCat(p.name(), " (", p.id(), ") ", StatusName(p.status()), "\n");
  if (response.has_promoted()) line += PromotedLine(response.promoted());
  PrintParticipant(in, response, p, line);
  return absl::OkStatus();
}

absl::Status CheckIn(const Invocation& in) {
  registration::CheckInParticipantRequest request;
  request.set_participant_id(in.args.positional()[0]);
  request.set_day(in.args.Get("day"));
  registration::CheckInParticipantResponse response;
  ServiceClient client("registration", in.timeout);
  auto stub = RegistrationService::NewStub(client.channel());
  CONVENE_RETURN_IF_ERROR(client.Call([&](grpc::ClientContext* context) {
    return stub->CheckInParticipant(context, request, &response);
  }));
  const Participant& p = response.participant();
  PrintParticipant(in, response, p,
                   absl::StrCat(p.name(), " (", p.id(), ") checked in; days present: ",
                                absl::StrJoin(p.check_in_days(), ", "), "\n"));
  return absl::OkStatus();
}

// One group of the summary's counts, e.g. by sector.
struct SummarySection {
  std::string group;  // the CSV output's first column, e.g. "sector"
  std::string title;  // the table output's heading, e.g. "by sector"
  Table counts;       // rows of (key, count); enum keys in display form
};

std::vector<SummarySection> SummarySections(
    const registration::GetParticipationSummaryResponse& s) {
  std::vector<SummarySection> sections;
  auto add = [&](absl::string_view group, absl::string_view title,
                 const google::protobuf::RepeatedPtrField<registration::Count>& counts,
                 const google::protobuf::EnumDescriptor* type) {
    SummarySection section{std::string(group), std::string(title), {}};
    for (const registration::Count& count : counts) {
      std::string key = type == nullptr ? count.key() : EnumDisplayName(type, count.key());
      if (key.empty()) key = "unspecified";
      section.counts.rows.push_back({key, absl::StrCat(count.count())});
    }
    sections.push_back(std::move(section));
  };
  add("country", "by country", s.by_country(), nullptr);
  add("sector", "by sector", s.by_sector(), registration::Sector_descriptor());
  add("gender", "by gender", s.by_gender(), registration::Gender_descriptor());
  add("role", "by role", s.by_role(), registration::Role_descriptor());
  add("check_ins", "check-ins per day", s.check_ins_by_day(), nullptr);
  return sections;
}

absl::Status Summary(const Invocation& in) {
  registration::GetParticipationSummaryRequest request;
  CONVENE_ASSIGN_OR_RETURN(std::string event, RequiredFlag(in.args, "event"));
  request.set_event_id(event);
  registration::GetParticipationSummaryResponse response;
  ServiceClient client("registration", in.timeout);
  auto stub = RegistrationService::NewStub(client.channel());
  CONVENE_RETURN_IF_ERROR(client.Call([&](grpc::ClientContext* context) {
    return stub->GetParticipationSummary(context, request, &response);
  }));
  switch (in.output) {
    case OutputFormat::kJson:
      *in.out << ToJson(response);
      break;
    case OutputFormat::kCsv: {
      Table table;
      table.header = {"group", "key", "count"};
      table.rows = {{"status", "confirmed", absl::StrCat(response.confirmed_count())},
                    {"status", "waitlisted", absl::StrCat(response.waitlisted_count())},
                    {"status", "cancelled", absl::StrCat(response.cancelled_count())}};
      for (const SummarySection& section : SummarySections(response)) {
        for (const auto& row : section.counts.rows) {
          table.rows.push_back({section.group, row[0], row[1]});
        }
      }
      *in.out << RenderCsv(table);
      break;
    }
    case OutputFormat::kTable: {
      const int countries = response.by_country_size();
      *in.out << absl::StrCat(response.confirmed_count(), " confirmed, ",
                              response.waitlisted_count(), " waitlisted, ",
                              response.cancelled_count(), " cancelled; from ", countries,
                              countries == 1 ? " country\n" : " countries\n");
      // Each section a heading and its counts, indented beneath.
      for (const SummarySection& section : SummarySections(response)) {
        if (section.counts.rows.empty()) continue;
        *in.out << "\n" << section.title << ":\n";
        std::istringstream lines(RenderTable(section.counts));
        for (std::string line; std::getline(lines, line);) {
          *in.out << "  " << line << "\n";
        }
      }
      break;
    }
  }
  return absl::OkStatus();
}

}  // namespace

std::vector<Command> ParticipantCommands() {
  constexpr absl::string_view kFields =
      "[--organization ORG] [--sector SECTOR] [--gender GENDER] [--role ROLE] "
      "[--attendance-mode in-person|online] [--nominated-by NAME] "
      "[--attribute KEY=VALUE]...";
  std::vector<FlagSpec> add_flags = ParticipantFlagSpecs();
  add_flags.push_back({"event"});
  add_flags.push_back({"request-id"});
  std::vector<FlagSpec> list_flags =
      FlagSpecsFor(registration::ListParticipantsRequest::descriptor(), ListFilterFlags());
  list_flags.push_back({"event"});
  list_flags.push_back({"limit"});
  return {
      {"participant",
       "add",
       absl::StrCat("participant add --event EVENT_ID --name NAME --email "
                    "EMAIL --country COUNTRY ",
                    kFields, " [--request-id ID]"),
       "Registers one participant and prints whether they are confirmed or "
       "waitlisted.",
       add_flags,
       {},
       Add},
      {"participant",
       "import",
       "participant import --event EVENT_ID FILE.csv|- [--skip-invalid] "
       "[--dry-run]",
       "Registers everyone in a CSV file (- for standard input) whose first "
       "line names the columns (name, email, country, organization, sector, "
       "gender, role, attendance_mode, nominated_by; other columns become "
       "attributes). One bad row imports nothing unless --skip-invalid.",
       {{"event"}, {"skip-invalid", FlagSpec::Kind::kSwitch}, {"dry-run", FlagSpec::Kind::kSwitch}},
       {"FILE.csv"},
       Import},
      {"participant",
       "list",
       absl::StrCat("participant list --event EVENT_ID [--status ",
                    EnumChoices(registration::ParticipantStatus_descriptor()),
                    "] [--country COUNTRY] [--sector SECTOR] [--role "
                    "ROLE] [--gender GENDER] [--limit N]"),
       "Lists an event's participants in arrival order.",
       list_flags,
       {},
       List},
      {"participant",
       "show",
       "participant show PARTICIPANT_ID",
       "Shows one participant.",
       {},
       {"PARTICIPANT_ID"},
       Show},
      {"participant",
       "update",
       absl::StrCat("participant update PARTICIPANT_ID [--name NAME] [--email "
                    "EMAIL] [--country COUNTRY] ",
                    kFields),
       "Changes the fields given.",
       ParticipantFlagSpecs(),
       {"PARTICIPANT_ID"},
       Update},
      {"participant",
       "cancel",
       "participant cancel PARTICIPANT_ID",
       "Cancels a registration; the first waitlisted participant takes the "
       "seat.",
       {},
       {"PARTICIPANT_ID"},
       Cancel},
      {"participant",
       "checkin",
       "participant checkin PARTICIPANT_ID [--day "
       "YYYY-MM-DD]",
       "Records attendance on a day of the event (default today).",
       {{"day"}},
       {"PARTICIPANT_ID"},
       CheckIn},
      {"participant",
       "summary",
       "participant summary --event EVENT_ID",
       "Counts by status, country, sector, gender and role, and check-ins "
       "per day.",
       {{"event"}},
       {},
       Summary},
  };
}

}  // namespace convene::cli
