// convene event create | list | show | update

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "clients/cli/command.h"
#include "clients/cli/proto_flags.h"
#include "clients/cli/registration_output.h"
#include "clients/cli/service_client.h"
#include "convene/registration/v1/registration_service.grpc.pb.h"
#include "services/common/status.h"

namespace convene::cli {
namespace {

using registration::RegistrationService;

// The event's writable fields by flag; update sends exactly the ones given.
const std::vector<FlagField>& EventFlags() {
  static const auto* flags = new std::vector<FlagField>{
      {"title", "title"},
      {"theme", "theme"},
      {"format", "format"},
      {"venue", "venue"},
      {"city", "city"},
      {"country", "country"},
      {"timezone", "time_zone"},
      {"start", "start_date"},
      {"end", "end_date"},
      {"capacity", "capacity"},
      {"organiser", "organisers"},
      {"funder", "funders"},
      {"language", "languages"},
  };
  return *flags;
}

std::vector<FlagSpec> EventFlagSpecs() {
  return FlagSpecsFor(registration::Event::descriptor(), EventFlags());
}

// The server's largest page; the CLI pages through everything itself.

absl::Status Create(const Invocation& in) {
  registration::CreateEventRequest request;
  CONVENE_RETURN_IF_ERROR(
      SetFieldsFromFlags(in.args, EventFlags(), request.mutable_event(), nullptr));
  request.set_request_id(in.args.Get("request-id"));
  registration::CreateEventResponse response;
  ServiceClient client("registration", in.timeout);
  auto stub = RegistrationService::NewStub(client.channel());
  CONVENE_RETURN_IF_ERROR(client.Call([&](grpc::ClientContext* context) {
    return stub->CreateEvent(context, request, &response);
  }));
  switch (in.output) {
    case OutputFormat::kJson:
      *in.out << ToJson(response);
      break;
    case OutputFormat::kCsv: {
      google::protobuf::RepeatedPtrField<registration::Event> events;
      *events.Add() = response.event();
      *in.out << RenderCsv(EventTable(events, in.output));
      break;
    }
    case OutputFormat::kTable:
      // The id alone, so that `id=$(convene event create ...)` works.
      *in.out << response.event().id() << "\n";
      break;
  }
  return absl::OkStatus();
}

absl::Status List(const Invocation& in) {
  CONVENE_ASSIGN_OR_RETURN(int limit, IntFlag(in.args, "limit", 0));
  ServiceClient client("registration", in.timeout);
  auto stub = RegistrationService::NewStub(client.channel());
  registration::ListEventsResponse all;
  registration::ListEventsRequest request;
  CONVENE_RETURN_IF_ERROR(CollectPages(
      client, limit, request, &all,
      [&](grpc::ClientContext* context, auto& page) {
        return stub->ListEvents(context, request, &page);
      },
      [](auto& response) { return response.mutable_events(); }));
  switch (in.output) {
    case OutputFormat::kJson:
      *in.out << ToJson(all);
      break;
    case OutputFormat::kCsv:
      *in.out << RenderCsv(EventTable(all.events(), in.output));
      break;
    case OutputFormat::kTable:
      if (all.events().empty()) {
        *in.out << "no events yet; create one with: convene event create\n";
      } else {
        *in.out << RenderTable(EventTable(all.events(), in.output));
      }
      break;
  }
  return absl::OkStatus();
}

// Prints one event as the chosen output format shows it.
void PrintEvent(const Invocation& in, const google::protobuf::Message& response,
                const registration::Event& event) {
  switch (in.output) {
    case OutputFormat::kJson:
      *in.out << ToJson(response);
      break;
    case OutputFormat::kCsv: {
      google::protobuf::RepeatedPtrField<registration::Event> events;
      *events.Add() = event;
      *in.out << RenderCsv(EventTable(events, in.output));
      break;
    }
    case OutputFormat::kTable:
      *in.out << EventRecord(event);
      break;
  }
}

absl::Status Show(const Invocation& in) {
  registration::GetEventRequest request;
  request.set_event_id(in.args.positional()[0]);
  registration::GetEventResponse response;
  ServiceClient client("registration", in.timeout);
  auto stub = RegistrationService::NewStub(client.channel());
  CONVENE_RETURN_IF_ERROR(client.Call(
      [&](grpc::ClientContext* context) { return stub->GetEvent(context, request, &response); }));
  PrintEvent(in, response, response.event());
  return absl::OkStatus();
}

absl::Status Update(const Invocation& in) {
  registration::UpdateEventRequest request;
  request.mutable_event()->set_id(in.args.positional()[0]);
  CONVENE_RETURN_IF_ERROR(SetFieldsFromFlags(in.args, EventFlags(), request.mutable_event(),
                                             request.mutable_update_mask()));
  // An empty mask means "every field" to the service, which would blank
  // everything the user did not retype.
  if (request.update_mask().paths().empty()) {
    return UsageError(
        "convene event update needs at least one field to change, e.g. "
        "--capacity 40");
  }
  registration::UpdateEventResponse response;
  ServiceClient client("registration", in.timeout);
  auto stub = RegistrationService::NewStub(client.channel());
  CONVENE_RETURN_IF_ERROR(client.Call([&](grpc::ClientContext* context) {
    return stub->UpdateEvent(context, request, &response);
  }));
  PrintEvent(in, response, response.event());
  if (in.output == OutputFormat::kTable) {
    for (const auto& participant : response.promoted()) {
      *in.out << PromotedLine(participant);
    }
  }
  return absl::OkStatus();
}

}  // namespace

std::vector<Command> EventCommands() {
  constexpr absl::string_view kFields =
      "[--theme THEME] [--format in-person|online|hybrid] [--venue VENUE] "
      "[--city CITY] [--country COUNTRY] [--capacity N] [--organiser NAME]... "
      "[--funder NAME]... [--language CODE]...";
  std::vector<FlagSpec> create_flags = EventFlagSpecs();
  create_flags.push_back({"request-id"});
  return {
      {"event",
       "create",
       absl::StrCat("event create --title TITLE --timezone ZONE --start "
                    "YYYY-MM-DD --end YYYY-MM-DD ",
                    kFields, " [--request-id ID]"),
       "Creates an event and prints its id.",
       create_flags,
       {},
       Create},
      {"event",
       "list",
       "event list [--limit N]",
       "Lists events in creation order.",
       {{"limit"}},
       {},
       List},
      {"event", "show", "event show EVENT_ID", "Shows one event.", {}, {"EVENT_ID"}, Show},
      {"event",
       "update",
       absl::StrCat("event update EVENT_ID [--title TITLE] [--timezone ZONE] "
                    "[--start YYYY-MM-DD] [--end YYYY-MM-DD] ",
                    kFields),
       "Changes the fields given; a larger capacity promotes waitlisted "
       "participants.",
       EventFlagSpecs(),
       {"EVENT_ID"},
       Update},
  };
}

}  // namespace convene::cli
