// The registration service's operations (services/registration/registry.h), the code behind every
// RPC, on a fresh in-memory SQLite store per input: a RegistrationCalls message (fuzz_inputs.proto)
// is a sequence of requests run in order. The store starts with the demo's event and three of its
// participants; an id written "@N" in a request stands for the N-th event or participant created
// (so that fuzzed calls reach real rows). The clock stands at 2024-10-01 10:00 in Kuala Lumpur.
//
// After every call:
//  - errors are the documented kinds, never INTERNAL, DATA_LOSS or UNKNOWN (nothing the store
//    wrote is unreadable), and a response is a message that can be sent and read back;
//  - for every event, nobody waits while a seat is free: waitlisted > 0 only when capacity > 0 and
//    confirmed >= capacity (first come, first served);
//  - listing the event's participants page by page gives every participant once.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "fuzz/fuzz_inputs.pb.h"
#include "fuzz/fuzz_support.h"
#include "services/registration/registration_store.h"
#include "services/registration/registry.h"

namespace {

namespace rv1 = ::convene::registration::v1;
using ::convene::registration::RegistrationStore;
using ::convene::registration::Registry;

struct World {
  std::unique_ptr<RegistrationStore> store;
  std::unique_ptr<Registry> registry;
  std::vector<std::string> events;
  std::vector<std::string> participants;
};

// "@N" -> the N-th id of `ids`; anything else is left as it is.
void Resolve(std::string* id, const std::vector<std::string>& ids) {
  int n;
  if (id->size() > 1 && (*id)[0] == '@' && absl::SimpleAtoi(id->substr(1), &n) && n >= 0 &&
      n < static_cast<int>(ids.size())) {
    *id = ids[n];
  }
}

void CheckStatus(const absl::Status& status, absl::string_view call) {
  const bool expected =
      status.ok() || absl::IsInvalidArgument(status) || absl::IsNotFound(status) ||
      absl::IsAlreadyExists(status) || absl::IsFailedPrecondition(status) ||
      absl::IsResourceExhausted(status);
  CONVENE_FUZZ_CHECK(expected, absl::StrCat(call, ": ", status.ToString()));
}

void CheckSendable(const google::protobuf::Message& response, absl::string_view call) {
  std::string bytes;
  std::unique_ptr<google::protobuf::Message> copy(response.New());
  CONVENE_FUZZ_CHECK(response.SerializeToString(&bytes) && copy->ParseFromString(bytes),
                     absl::StrCat(call, ": the response cannot be read back (not UTF-8?): ",
                                  response.ShortDebugString()));
}

template <typename Request, typename Response>
void Run(World& world, absl::Status (Registry::*method)(const Request&, Response*),
         const Request& request, absl::string_view call) {
  Response response;
  const absl::Status status = (world.registry.get()->*method)(request, &response);
  CheckStatus(status, call);
  if (status.ok()) CheckSendable(response, call);
}

void CheckSeats(World& world) {
  for (const std::string& event_id : world.events) {
    rv1::GetEventRequest get;
    get.set_event_id(event_id);
    rv1::GetEventResponse event;
    CONVENE_FUZZ_CHECK(world.registry->GetEvent(get, &event).ok(), "a created event is gone");
    rv1::GetParticipationSummaryRequest ask;
    ask.set_event_id(event_id);
    rv1::GetParticipationSummaryResponse summary;
    const absl::Status status = world.registry->GetParticipationSummary(ask, &summary);
    CONVENE_FUZZ_CHECK(status.ok(), "summary: " + status.ToString());
    const int capacity = event.event().capacity();
    CONVENE_FUZZ_CHECK(
        summary.waitlisted_count() == 0 ||
            (capacity > 0 && summary.confirmed_count() >= capacity),
        absl::StrCat("event ", event_id, ": ", summary.waitlisted_count(), " waiting while ",
                     summary.confirmed_count(), " of ", capacity, " seats are taken"));

    // Every participant once, page by page.
    std::set<std::string> seen;
    rv1::ListParticipantsRequest list;
    list.set_event_id(event_id);
    list.set_page_size(2);
    int pages = 0;
    do {
      rv1::ListParticipantsResponse page;
      const absl::Status listed = world.registry->ListParticipants(list, &page);
      CONVENE_FUZZ_CHECK(listed.ok(), "list: " + listed.ToString());
      for (const rv1::Participant& p : page.participants()) {
        CONVENE_FUZZ_CHECK(seen.insert(p.id()).second, "listed twice: " + p.id());
        CONVENE_FUZZ_CHECK(p.event_id() == event_id, "listed under another event: " + p.id());
      }
      list.set_page_token(page.next_page_token());
      CONVENE_FUZZ_CHECK(++pages < 10000, "pages never end");
    } while (!list.page_token().empty());
    const int total =
        summary.confirmed_count() + summary.waitlisted_count() + summary.cancelled_count();
    CONVENE_FUZZ_CHECK(static_cast<int>(seen.size()) == total,
                       absl::StrCat("listed ", seen.size(), ", summary counts ", total));
  }
}

World NewWorld() {
  World world;
  auto store = RegistrationStore::Open(":memory:");
  if (!store.ok()) convene::fuzz::Fail(__FILE__, __LINE__, store.status().ToString());
  world.store = std::move(*store);
  const absl::Time now = absl::FromCivil(absl::CivilMinute(2024, 10, 1, 10, 0),
                                         absl::FixedTimeZone(8 * 3600));
  world.registry = std::make_unique<Registry>(world.store.get(),
                                              Registry::Options{.now = [now] { return now; }});
  rv1::CreateEventRequest create;
  *create.mutable_event() = convene::fuzz::DemoEvent();
  create.mutable_event()->clear_id();
  rv1::CreateEventResponse created;
  absl::Status status = world.registry->CreateEvent(create, &created);
  if (!status.ok()) convene::fuzz::Fail(__FILE__, __LINE__, status.ToString());
  world.events.push_back(created.event().id());
  const std::vector<rv1::Participant> people = convene::fuzz::DemoParticipants();
  for (int i = 0; i < 3; ++i) {
    rv1::AddParticipantRequest add;
    *add.mutable_participant() = people[i];
    add.mutable_participant()->clear_id();
    add.mutable_participant()->set_event_id(world.events[0]);
    rv1::AddParticipantResponse added;
    status = world.registry->AddParticipant(add, &added);
    if (!status.ok()) convene::fuzz::Fail(__FILE__, __LINE__, status.ToString());
    world.participants.push_back(added.participant().id());
  }
  return world;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  convene::fuzz::QuietProtobuf();
  convene::fuzz::DemoParticipants();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  convene::fuzz::RegistrationCalls calls;
  if (!calls.ParseFromArray(data, static_cast<int>(size))) return 0;
  if (calls.calls_size() > 64) return 0;  // keeps one input quick; longer runs add nothing new
  World world = NewWorld();
  const std::vector<std::string>& events = world.events;
  const std::vector<std::string>& people = world.participants;
  for (convene::fuzz::RegistrationCall& call : *calls.mutable_calls()) {
    switch (call.request_case()) {
      case convene::fuzz::RegistrationCall::kCreateEvent: {
        rv1::CreateEventResponse response;
        const absl::Status status = world.registry->CreateEvent(call.create_event(), &response);
        CheckStatus(status, "CreateEvent");
        if (status.ok()) {
          CheckSendable(response, "CreateEvent");
          world.events.push_back(response.event().id());
        }
        break;
      }
      case convene::fuzz::RegistrationCall::kGetEvent:
        Resolve(call.mutable_get_event()->mutable_event_id(), events);
        Run(world, &Registry::GetEvent, call.get_event(), "GetEvent");
        break;
      case convene::fuzz::RegistrationCall::kListEvents:
        Run(world, &Registry::ListEvents, call.list_events(), "ListEvents");
        break;
      case convene::fuzz::RegistrationCall::kUpdateEvent:
        Resolve(call.mutable_update_event()->mutable_event()->mutable_id(), events);
        Run(world, &Registry::UpdateEvent, call.update_event(), "UpdateEvent");
        break;
      case convene::fuzz::RegistrationCall::kAddParticipant: {
        Resolve(call.mutable_add_participant()->mutable_participant()->mutable_event_id(), events);
        rv1::AddParticipantResponse response;
        const absl::Status status =
            world.registry->AddParticipant(call.add_participant(), &response);
        CheckStatus(status, "AddParticipant");
        if (status.ok()) {
          CheckSendable(response, "AddParticipant");
          world.participants.push_back(response.participant().id());
        }
        break;
      }
      case convene::fuzz::RegistrationCall::kImportParticipants: {
        Resolve(call.mutable_import_participants()->mutable_event_id(), events);
        rv1::ImportParticipantsResponse response;
        const absl::Status status =
            world.registry->ImportParticipants(call.import_participants(), &response);
        CheckStatus(status, "ImportParticipants");
        if (status.ok()) {
          CheckSendable(response, "ImportParticipants");
          for (const rv1::Participant& p : response.participants()) {
            world.participants.push_back(p.id());
          }
        }
        break;
      }
      case convene::fuzz::RegistrationCall::kGetParticipant:
        Resolve(call.mutable_get_participant()->mutable_participant_id(), people);
        Run(world, &Registry::GetParticipant, call.get_participant(), "GetParticipant");
        break;
      case convene::fuzz::RegistrationCall::kListParticipants:
        Resolve(call.mutable_list_participants()->mutable_event_id(), events);
        Run(world, &Registry::ListParticipants, call.list_participants(), "ListParticipants");
        break;
      case convene::fuzz::RegistrationCall::kUpdateParticipant:
        Resolve(call.mutable_update_participant()->mutable_participant()->mutable_id(), people);
        Run(world, &Registry::UpdateParticipant, call.update_participant(), "UpdateParticipant");
        break;
      case convene::fuzz::RegistrationCall::kCancelParticipant:
        Resolve(call.mutable_cancel_participant()->mutable_participant_id(), people);
        Run(world, &Registry::CancelParticipant, call.cancel_participant(), "CancelParticipant");
        break;
      case convene::fuzz::RegistrationCall::kCheckInParticipant:
        Resolve(call.mutable_check_in_participant()->mutable_participant_id(), people);
        Run(world, &Registry::CheckInParticipant, call.check_in_participant(),
            "CheckInParticipant");
        break;
      case convene::fuzz::RegistrationCall::kGetParticipationSummary:
        Resolve(call.mutable_get_participation_summary()->mutable_event_id(), events);
        Run(world, &Registry::GetParticipationSummary, call.get_participation_summary(),
            "GetParticipationSummary");
        break;
      case convene::fuzz::RegistrationCall::REQUEST_NOT_SET:
        break;
    }
    CheckSeats(world);
  }
  return 0;
}
