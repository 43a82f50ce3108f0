// The registration store and registry on real SQLite files: every test opens a
// fresh database in its own temporary folder and drives it through the
// operations behind the RPCs.
#include "services/registration/registration_store.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>
#include <set>
#include <string>
#include <thread>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "google/protobuf/util/message_differencer.h"
#include "services/common/limits.h"
#include "services/common/testing/process.h"
#include "services/common/testing/status_matchers.h"
#include "services/registration/registry.h"
#include "services/registration/rules.h"

namespace convene::registration {
namespace {

using ::convene::testing::IsOk;
using ::convene::testing::MakeTempDir;
using ::convene::testing::StatusIs;
using ::google::protobuf::util::MessageDifferencer;
using ::testing::_;
using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::Pair;
using ::testing::Property;
using ::testing::SizeIs;
using ::testing::StartsWith;
using ::testing::UnorderedElementsAre;

using Counts = std::vector<std::pair<std::string, int>>;

Counts ToPairs(const google::protobuf::RepeatedPtrField<v1::Count>& counts) {
  Counts out;
  for (const v1::Count& c : counts) out.emplace_back(c.key(), c.count());
  return out;
}

std::vector<std::string> Ids(
    const google::protobuf::RepeatedPtrField<v1::Participant>& participants) {
  std::vector<std::string> ids;
  for (const v1::Participant& p : participants) ids.push_back(p.id());
  return ids;
}

absl::Time Utc(int y, int m, int d, int hh, int mm) {
  return absl::FromCivil(absl::CivilMinute(y, m, d, hh, mm), absl::UTCTimeZone());
}

class RegistryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = MakeTempDir("registration-store");
    ASSERT_FALSE(dir_.empty());
    path_ = dir_ + "/registration.db";
    Open();
  }

  void Open() {
    auto store = RegistrationStore::Open(path_);
    ASSERT_THAT(store, IsOk());
    store_ = std::move(*store);
    registry_ =
        std::make_unique<Registry>(store_.get(), Registry::Options{.now = [this] { return now_; }});
  }

  void Close() {
    registry_.reset();
    store_.reset();
  }

  v1::Event NewEvent(const std::string& title, int capacity = 0) {
    v1::Event event;
    event.set_title(title);
    event.set_country("Malaysia");
    event.set_time_zone("Asia/Kuala_Lumpur");
    event.set_start_date("2024-10-01");
    event.set_end_date("2024-10-03");
    event.set_capacity(capacity);
    return event;
  }

  v1::Event CreateEvent(const std::string& title, int capacity = 0) {
    v1::CreateEventRequest request;
    *request.mutable_event() = NewEvent(title, capacity);
    v1::CreateEventResponse response;
    EXPECT_THAT(registry_->CreateEvent(request, &response), IsOk());
    return response.event();
  }

  static v1::Participant NewParticipant(const std::string& event_id, const std::string& name,
                                        const std::string& email,
                                        const std::string& country = "MY") {
    v1::Participant p;
    p.set_event_id(event_id);
    p.set_name(name);
    p.set_email(email);
    p.set_country(country);
    return p;
  }

  absl::Status TryAdd(const v1::Participant& p, v1::Participant* added,
                      const std::string& request_id = "") {
    v1::AddParticipantRequest request;
    *request.mutable_participant() = p;
    request.set_request_id(request_id);
    v1::AddParticipantResponse response;
    absl::Status status = registry_->AddParticipant(request, &response);
    if (added != nullptr) *added = response.participant();
    return status;
  }

  v1::Participant Add(const v1::Participant& p) {
    v1::Participant added;
    EXPECT_THAT(TryAdd(p, &added), IsOk()) << p.email();
    return added;
  }

  v1::Participant Add(const std::string& event_id, const std::string& name,
                      const std::string& country = "MY") {
    return Add(NewParticipant(event_id, name, absl::StrCat(name, "@example.org"), country));
  }

  v1::Participant Get(const std::string& participant_id) {
    v1::GetParticipantRequest request;
    request.set_participant_id(participant_id);
    v1::GetParticipantResponse response;
    EXPECT_THAT(registry_->GetParticipant(request, &response), IsOk());
    return response.participant();
  }

  v1::Event GetEvent(const std::string& event_id) {
    v1::GetEventRequest request;
    request.set_event_id(event_id);
    v1::GetEventResponse response;
    EXPECT_THAT(registry_->GetEvent(request, &response), IsOk());
    return response.event();
  }

  v1::CancelParticipantResponse Cancel(const std::string& participant_id) {
    v1::CancelParticipantRequest request;
    request.set_participant_id(participant_id);
    v1::CancelParticipantResponse response;
    EXPECT_THAT(registry_->CancelParticipant(request, &response), IsOk());
    return response;
  }

  absl::Status CheckIn(const std::string& participant_id, const std::string& day,
                       v1::Participant* checked_in = nullptr) {
    v1::CheckInParticipantRequest request;
    request.set_participant_id(participant_id);
    request.set_day(day);
    v1::CheckInParticipantResponse response;
    absl::Status status = registry_->CheckInParticipant(request, &response);
    if (checked_in != nullptr) *checked_in = response.participant();
    return status;
  }

  absl::Status UpdateCapacity(const std::string& event_id, int capacity,
                              v1::UpdateEventResponse* response) {
    v1::UpdateEventRequest request;
    request.mutable_event()->set_id(event_id);
    request.mutable_event()->set_capacity(capacity);
    request.mutable_update_mask()->add_paths("capacity");
    return registry_->UpdateEvent(request, response);
  }

  // Every participant of the event matching `request`'s filters, page by page.
  std::vector<v1::Participant> ListAll(v1::ListParticipantsRequest request) {
    std::vector<v1::Participant> all;
    for (int pages = 0; pages < 100; ++pages) {
      v1::ListParticipantsResponse response;
      EXPECT_THAT(registry_->ListParticipants(request, &response), IsOk());
      for (const v1::Participant& p : response.participants()) {
        all.push_back(p);
      }
      if (response.next_page_token().empty()) return all;
      request.set_page_token(response.next_page_token());
    }
    ADD_FAILURE() << "more than 100 pages";
    return all;
  }

  std::vector<v1::Participant> ListAll(const std::string& event_id) {
    v1::ListParticipantsRequest request;
    request.set_event_id(event_id);
    return ListAll(request);
  }

  v1::GetParticipationSummaryResponse Summary(const std::string& event_id) {
    v1::GetParticipationSummaryRequest request;
    request.set_event_id(event_id);
    v1::GetParticipationSummaryResponse response;
    EXPECT_THAT(registry_->GetParticipationSummary(request, &response), IsOk());
    return response;
  }

  std::string dir_;
  std::string path_;
  absl::Time now_ = Utc(2024, 9, 15, 8, 0);
  std::unique_ptr<RegistrationStore> store_;
  std::unique_ptr<Registry> registry_;
};

// --- Events ------------------------------------------------------------------

TEST_F(RegistryTest, CreateAndGetEvent) {
  v1::Event created = CreateEvent("  Workshop on asset declarations ", 25);
  EXPECT_THAT(created.id(), StartsWith("evt_"));
  EXPECT_EQ(created.title(), "Workshop on asset declarations");
  EXPECT_EQ(created.country(), "MY");
  EXPECT_EQ(created.create_time().seconds(), absl::ToUnixSeconds(now_));
  v1::Event got = GetEvent(created.id());
  EXPECT_TRUE(MessageDifferencer::Equals(got, created))
      << got.DebugString() << " vs " << created.DebugString();
}

TEST_F(RegistryTest, CreateEventRejectsInvalidAndStoresNothing) {
  v1::CreateEventRequest request;
  *request.mutable_event() = NewEvent("Workshop");
  request.mutable_event()->set_end_date("2024-09-30");
  v1::CreateEventResponse response;
  EXPECT_THAT(registry_->CreateEvent(request, &response),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("end_date")));
  v1::ListEventsResponse list;
  ASSERT_THAT(registry_->ListEvents({}, &list), IsOk());
  EXPECT_THAT(list.events(), IsEmpty());
}

TEST_F(RegistryTest, ListEventsPagesInCreationOrder) {
  std::vector<std::string> created;
  for (int i = 0; i < 5; ++i) {
    created.push_back(CreateEvent(absl::StrCat("Event ", i)).id());
  }
  std::vector<std::string> listed;
  v1::ListEventsRequest request;
  request.set_page_size(2);
  int pages = 0;
  while (true) {
    v1::ListEventsResponse response;
    ASSERT_THAT(registry_->ListEvents(request, &response), IsOk());
    ++pages;
    EXPECT_LE(response.events_size(), 2);
    for (const v1::Event& e : response.events()) listed.push_back(e.id());
    if (response.next_page_token().empty()) {
      EXPECT_EQ(response.events_size(), 1);  // 5 = 2 + 2 + 1
      break;
    }
    ASSERT_LT(pages, 10);
    request.set_page_token(response.next_page_token());
  }
  EXPECT_EQ(pages, 3);
  EXPECT_EQ(listed, created);

  // Exactly two pages when the count divides evenly: no empty trailing page.
  CreateEvent("Event 5");
  v1::ListEventsRequest three;
  three.set_page_size(3);
  v1::ListEventsResponse first;
  ASSERT_THAT(registry_->ListEvents(three, &first), IsOk());
  ASSERT_THAT(first.events(), SizeIs(3));
  ASSERT_FALSE(first.next_page_token().empty());
  three.set_page_token(first.next_page_token());
  v1::ListEventsResponse second;
  ASSERT_THAT(registry_->ListEvents(three, &second), IsOk());
  EXPECT_THAT(second.events(), SizeIs(3));
  EXPECT_EQ(second.next_page_token(), "");

  // Default page size returns all.
  v1::ListEventsResponse all;
  ASSERT_THAT(registry_->ListEvents({}, &all), IsOk());
  EXPECT_THAT(all.events(), SizeIs(6));
  EXPECT_EQ(all.next_page_token(), "");
}

TEST_F(RegistryTest, ListEventsRejectsBadPageToken) {
  CreateEvent("Event");
  for (const char* token : {"abc", "-3", "0", "1x"}) {
    v1::ListEventsRequest request;
    request.set_page_token(token);
    v1::ListEventsResponse response;
    EXPECT_THAT(registry_->ListEvents(request, &response),
                StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("page_token")))
        << token;
  }
  v1::ListEventsRequest negative;
  negative.set_page_size(-1);
  v1::ListEventsResponse response;
  EXPECT_THAT(registry_->ListEvents(negative, &response),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("page_size")));
}

TEST_F(RegistryTest, UpdateEventMaskChangesOnlyNamedFields) {
  v1::Event event = CreateEvent("Original title", 10);
  now_ += absl::Hours(1);
  v1::UpdateEventRequest request;
  request.mutable_event()->set_id(event.id());
  request.mutable_event()->set_venue("Hotel Istana");
  request.mutable_event()->set_title("ignored: not in the mask");
  request.mutable_update_mask()->add_paths("venue");
  v1::UpdateEventResponse response;
  ASSERT_THAT(registry_->UpdateEvent(request, &response), IsOk());
  v1::Event got = GetEvent(event.id());
  EXPECT_EQ(got.venue(), "Hotel Istana");
  EXPECT_EQ(got.title(), "Original title");
  EXPECT_EQ(got.capacity(), 10);
  EXPECT_EQ(got.create_time().seconds(), event.create_time().seconds());
  EXPECT_EQ(got.update_time().seconds(), absl::ToUnixSeconds(now_));

  request.mutable_update_mask()->set_paths(0, "id");
  EXPECT_THAT(registry_->UpdateEvent(request, &response),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("update_mask")));
  // An update that breaks the event is refused and changes nothing.
  request.mutable_event()->set_end_date("2024-01-01");
  request.mutable_update_mask()->set_paths(0, "end_date");
  EXPECT_THAT(registry_->UpdateEvent(request, &response),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("end_date")));
  EXPECT_EQ(GetEvent(event.id()).end_date(), "2024-10-03");
}

// --- Capacity and waitlist ---------------------------------------------------

TEST_F(RegistryTest, WaitlistIsFirstComeFirstServed) {
  const std::string event = CreateEvent("Capacity two", 2).id();
  std::vector<v1::Participant> p;
  for (int i = 0; i < 4; ++i) p.push_back(Add(event, absl::StrCat("p", i)));
  EXPECT_EQ(p[0].status(), v1::PARTICIPANT_STATUS_CONFIRMED);
  EXPECT_EQ(p[1].status(), v1::PARTICIPANT_STATUS_CONFIRMED);
  EXPECT_EQ(p[2].status(), v1::PARTICIPANT_STATUS_WAITLISTED);
  EXPECT_EQ(p[3].status(), v1::PARTICIPANT_STATUS_WAITLISTED);
  for (int i = 0; i < 4; ++i) EXPECT_EQ(p[i].arrival(), i + 1);

  // Cancelling a confirmed participant promotes the EARLIEST waitlisted one.
  v1::CancelParticipantResponse cancelled = Cancel(p[1].id());
  EXPECT_EQ(cancelled.participant().status(), v1::PARTICIPANT_STATUS_CANCELLED);
  ASSERT_TRUE(cancelled.has_promoted());
  EXPECT_EQ(cancelled.promoted().id(), p[2].id());
  EXPECT_EQ(cancelled.promoted().status(), v1::PARTICIPANT_STATUS_CONFIRMED);
  EXPECT_EQ(Get(p[2].id()).status(), v1::PARTICIPANT_STATUS_CONFIRMED);
  EXPECT_EQ(Get(p[3].id()).status(), v1::PARTICIPANT_STATUS_WAITLISTED);

  // Cancelling again changes nothing and promotes nobody.
  v1::CancelParticipantResponse again = Cancel(p[1].id());
  EXPECT_EQ(again.participant().status(), v1::PARTICIPANT_STATUS_CANCELLED);
  EXPECT_FALSE(again.has_promoted());
  EXPECT_EQ(Get(p[3].id()).status(), v1::PARTICIPANT_STATUS_WAITLISTED);

  v1::GetParticipationSummaryResponse summary = Summary(event);
  EXPECT_EQ(summary.confirmed_count(), 2);
  EXPECT_EQ(summary.waitlisted_count(), 1);
  EXPECT_EQ(summary.cancelled_count(), 1);
}

TEST_F(RegistryTest, CancellingWaitlistedPromotesNobody) {
  const std::string event = CreateEvent("Capacity one", 1).id();
  v1::Participant a = Add(event, "a");
  v1::Participant b = Add(event, "b");
  v1::Participant c = Add(event, "c");
  v1::CancelParticipantResponse response = Cancel(b.id());
  EXPECT_FALSE(response.has_promoted());
  EXPECT_EQ(Get(a.id()).status(), v1::PARTICIPANT_STATUS_CONFIRMED);
  EXPECT_EQ(Get(c.id()).status(), v1::PARTICIPANT_STATUS_WAITLISTED);
  // Then the confirmed one leaves: c (not the cancelled b) takes the seat.
  response = Cancel(a.id());
  ASSERT_TRUE(response.has_promoted());
  EXPECT_EQ(response.promoted().id(), c.id());
  EXPECT_EQ(Get(b.id()).status(), v1::PARTICIPANT_STATUS_CANCELLED);
}

TEST_F(RegistryTest, CapacityChangesPromoteInOrderAndNeverUnconfirm) {
  const std::string event = CreateEvent("Capacity two", 2).id();
  std::vector<v1::Participant> p;
  for (int i = 0; i < 7; ++i) p.push_back(Add(event, absl::StrCat("p", i)));
  // p0 p1 confirmed; p2..p6 waitlisted. p4 drops out of the waitlist.
  Cancel(p[4].id());

  v1::UpdateEventResponse raised;
  ASSERT_THAT(UpdateCapacity(event, 5, &raised), IsOk());
  EXPECT_EQ(raised.event().capacity(), 5);
  EXPECT_EQ(raised.event().title(), "Capacity two");  // not in the mask
  EXPECT_THAT(Ids(raised.promoted()), ElementsAre(p[2].id(), p[3].id(), p[5].id()));
  for (const v1::Participant& promoted : raised.promoted()) {
    EXPECT_EQ(promoted.status(), v1::PARTICIPANT_STATUS_CONFIRMED);
  }
  EXPECT_EQ(Get(p[6].id()).status(), v1::PARTICIPANT_STATUS_WAITLISTED);
  EXPECT_EQ(Get(p[4].id()).status(), v1::PARTICIPANT_STATUS_CANCELLED);

  // Lowering never un-confirms anyone.
  v1::UpdateEventResponse lowered;
  ASSERT_THAT(UpdateCapacity(event, 1, &lowered), IsOk());
  EXPECT_THAT(lowered.promoted(), IsEmpty());
  for (int i : {0, 1, 2, 3, 5}) {
    EXPECT_EQ(Get(p[i].id()).status(), v1::PARTICIPANT_STATUS_CONFIRMED) << i;
  }
  EXPECT_EQ(Summary(event).confirmed_count(), 5);
  // Over capacity, a cancellation frees no seat for the waitlist.
  v1::CancelParticipantResponse cancelled = Cancel(p[0].id());
  EXPECT_FALSE(cancelled.has_promoted());
  EXPECT_EQ(Get(p[6].id()).status(), v1::PARTICIPANT_STATUS_WAITLISTED);
  // Newcomers wait too.
  EXPECT_EQ(Add(event, "late").status(), v1::PARTICIPANT_STATUS_WAITLISTED);

  // Unlimited (0) promotes everyone still waiting, in order.
  v1::UpdateEventResponse unlimited;
  ASSERT_THAT(UpdateCapacity(event, 0, &unlimited), IsOk());
  ASSERT_THAT(unlimited.promoted(), SizeIs(2));
  EXPECT_EQ(unlimited.promoted(0).id(), p[6].id());
  EXPECT_EQ(unlimited.promoted(1).name(), "late");
  EXPECT_EQ(Summary(event).waitlisted_count(), 0);
}

TEST_F(RegistryTest, ConcurrentAddsNeverOverfill) {
  const std::string event = CreateEvent("Busy", 5).id();
  std::vector<std::thread> threads;
  for (int t = 0; t < 6; ++t) {
    threads.emplace_back([this, t, &event] {
      for (int i = 0; i < 5; ++i) {
        v1::Participant p = NewParticipant(event, absl::StrCat("t", t, "i", i),
                                           absl::StrCat("t", t, "i", i, "@example.org"));
        EXPECT_THAT(TryAdd(p, nullptr), IsOk());
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  std::vector<v1::Participant> all = ListAll(event);
  ASSERT_THAT(all, SizeIs(30));
  for (int i = 0; i < 30; ++i) {
    EXPECT_EQ(all[i].arrival(), i + 1);
    EXPECT_EQ(all[i].status(),
              i < 5 ? v1::PARTICIPANT_STATUS_CONFIRMED : v1::PARTICIPANT_STATUS_WAITLISTED)
        << i;
  }
}

TEST_F(RegistryTest, OutputOnlyFieldsInRequestsAreIgnored) {
  v1::CreateEventRequest create;
  *create.mutable_event() = NewEvent("Ids are the server's");
  create.mutable_event()->set_id("evt_chosenbyclient");
  create.mutable_event()->mutable_create_time()->set_seconds(1);
  v1::CreateEventResponse created;
  ASSERT_THAT(registry_->CreateEvent(create, &created), IsOk());
  EXPECT_NE(created.event().id(), "evt_chosenbyclient");
  EXPECT_EQ(created.event().create_time().seconds(), absl::ToUnixSeconds(now_));
  const std::string event = created.event().id();

  v1::Participant p = NewParticipant(event, "Sneaky", "sneaky@example.org");
  p.set_id("par_chosenbyclient");
  p.set_status(v1::PARTICIPANT_STATUS_CANCELLED);
  p.set_arrival(99);
  p.add_check_in_days("2024-10-01");
  v1::Participant added = Add(p);
  EXPECT_NE(added.id(), "par_chosenbyclient");
  EXPECT_EQ(added.status(), v1::PARTICIPANT_STATUS_CONFIRMED);
  EXPECT_EQ(added.arrival(), 1);
  EXPECT_THAT(added.check_in_days(), IsEmpty());
  v1::Participant got = Get(added.id());
  EXPECT_EQ(got.status(), v1::PARTICIPANT_STATUS_CONFIRMED);
  EXPECT_EQ(got.arrival(), 1);
  EXPECT_THAT(got.check_in_days(), IsEmpty());
  EXPECT_EQ(Summary(event).check_ins_by_day(0).count(), 0);
}

// --- Emails ------------------------------------------------------------------

TEST_F(RegistryTest, EmailsUniquePerEventIgnoringCase) {
  const std::string event = CreateEvent("One").id();
  const std::string other = CreateEvent("Two").id();
  v1::Participant first = Add(NewParticipant(event, "First", "A@X.org"));
  EXPECT_EQ(first.email(), "A@X.org");  // stored as given
  v1::Participant dup;
  EXPECT_THAT(TryAdd(NewParticipant(event, "Second", "a@x.ORG"), &dup),
              StatusIs(absl::StatusCode::kAlreadyExists,
                       AllOf(HasSubstr(first.id()), StartsWith("email"))));
  EXPECT_THAT(ListAll(event), SizeIs(1));
  // The same person may register for another event.
  v1::Participant elsewhere = Add(NewParticipant(other, "Second", "a@x.ORG"));
  EXPECT_NE(elsewhere.id(), first.id());
  EXPECT_EQ(elsewhere.arrival(), 1);  // arrival counts per event
}

// --- Idempotency -------------------------------------------------------------

TEST_F(RegistryTest, AddParticipantRetryReturnsFirstResult) {
  const std::string event = CreateEvent("Retry").id();
  v1::Participant p = NewParticipant(event, "Dina", "dina@example.org");
  v1::Participant first, second;
  ASSERT_THAT(TryAdd(p, &first, "req-1"), IsOk());
  ASSERT_THAT(TryAdd(p, &second, "req-1"), IsOk());
  EXPECT_EQ(second.id(), first.id());
  EXPECT_THAT(ListAll(event), SizeIs(1));
  // A different request id is a different request: the email is taken.
  EXPECT_THAT(TryAdd(p, nullptr, "req-2"),
              StatusIs(absl::StatusCode::kAlreadyExists, HasSubstr(first.id())));
}

TEST_F(RegistryTest, RequestIdReusedForAnotherRequestIsRefused) {
  const std::string event = CreateEvent("Reuse").id();
  ASSERT_THAT(TryAdd(NewParticipant(event, "Dina", "dina@example.org"), nullptr, "req-1"), IsOk());
  // Same id, different person: not a retry, so neither the old answer nor a new
  // participant.
  v1::Participant other;
  EXPECT_THAT(TryAdd(NewParticipant(event, "Eko", "eko@example.org"), &other, "req-1"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("request_id")));
  EXPECT_THAT(ListAll(event), SizeIs(1));
}

TEST_F(RegistryTest, CreateEventRetryReturnsFirstResult) {
  v1::CreateEventRequest request;
  *request.mutable_event() = NewEvent("Once only");
  request.set_request_id("create-1");
  v1::CreateEventResponse first, second;
  ASSERT_THAT(registry_->CreateEvent(request, &first), IsOk());
  ASSERT_THAT(registry_->CreateEvent(request, &second), IsOk());
  EXPECT_EQ(first.event().id(), second.event().id());
  v1::ListEventsResponse list;
  ASSERT_THAT(registry_->ListEvents({}, &list), IsOk());
  EXPECT_THAT(list.events(), SizeIs(1));
}

v1::ImportParticipantsRequest ImportRequest(const std::string& event_id,
                                            const std::vector<std::vector<std::string>>& rows) {
  v1::ImportParticipantsRequest request;
  request.set_event_id(event_id);
  for (const char* column : {"Name", "Email", "Country", "Organisation", "Sector", "extra col"}) {
    request.add_header(column);
  }
  int line = 2;  // line 1 is the header
  for (const std::vector<std::string>& cells : rows) {
    v1::ImportRow* row = request.add_rows();
    row->set_line(line++);
    for (const std::string& cell : cells) row->add_cells(cell);
  }
  return request;
}

const std::vector<std::vector<std::string>> kGoodRows = {
    {"Nguyễn Thị Hoa", "hoa@example.org", "Viet Nam", "TT", "CSO", "Hanoi"},
    {"Somchai Wong", "somchai@example.org", "TH", "NACC", "ACA", ""},
    {"Aigerim N", "aigerim@example.org", "Kazakhstan", "", "", "Almaty"},
};

TEST_F(RegistryTest, ImportRetryReturnsFirstResult) {
  const std::string event = CreateEvent("Import").id();
  v1::ImportParticipantsRequest request = ImportRequest(event, kGoodRows);
  request.set_request_id("import-1");
  v1::ImportParticipantsResponse first, second;
  ASSERT_THAT(registry_->ImportParticipants(request, &first), IsOk());
  ASSERT_THAT(registry_->ImportParticipants(request, &second), IsOk());
  ASSERT_THAT(first.participants(), SizeIs(3));
  EXPECT_EQ(Ids(first.participants()), Ids(second.participants()));
  EXPECT_THAT(second.errors(), IsEmpty());
  EXPECT_THAT(ListAll(event), SizeIs(3));
}

// --- Import ------------------------------------------------------------------

TEST_F(RegistryTest, ImportStoresGoodRows) {
  const std::string event = CreateEvent("Import", 2).id();
  v1::ImportParticipantsResponse response;
  ASSERT_THAT(registry_->ImportParticipants(ImportRequest(event, kGoodRows), &response), IsOk());
  EXPECT_THAT(response.errors(), IsEmpty());
  ASSERT_THAT(response.participants(), SizeIs(3));
  EXPECT_EQ(response.confirmed_count(), 2);
  EXPECT_EQ(response.waitlisted_count(), 1);
  std::vector<v1::Participant> stored = ListAll(event);
  ASSERT_THAT(stored, SizeIs(3));
  EXPECT_EQ(stored[0].name(), "Nguyễn Thị Hoa");
  EXPECT_EQ(stored[0].country(), "VN");
  EXPECT_EQ(stored[0].sector(), v1::SECTOR_CIVIL_SOCIETY);
  EXPECT_EQ(stored[0].role(), v1::ROLE_PARTICIPANT);
  EXPECT_THAT(stored[0].attributes(), UnorderedElementsAre(Pair("extra_col", "Hanoi")));
  EXPECT_EQ(stored[0].status(), v1::PARTICIPANT_STATUS_CONFIRMED);
  EXPECT_EQ(stored[1].sector(), v1::SECTOR_ANTI_CORRUPTION_BODY);
  EXPECT_THAT(stored[1].attributes(), IsEmpty());
  EXPECT_EQ(stored[2].country(), "KZ");
  EXPECT_EQ(stored[2].status(), v1::PARTICIPANT_STATUS_WAITLISTED);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(stored[i].id(), response.participants(i).id());
    EXPECT_EQ(stored[i].arrival(), i + 1);
  }
}

TEST_F(RegistryTest, ImportOfMoreRowsThanTheLimitIsRefusedWhole) {
  const std::string event = CreateEvent("Import").id();
  v1::ImportParticipantsRequest request = ImportRequest(event, kGoodRows);
  request.mutable_rows()->Reserve(kMaxImportRows + 1);
  while (request.rows_size() <= kMaxImportRows) *request.add_rows() = request.rows(0);
  v1::ImportParticipantsResponse response;
  EXPECT_THAT(registry_->ImportParticipants(request, &response),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("rows: 100001 rows, at most 100000 in one import")));
  EXPECT_THAT(ListAll(event), IsEmpty());
}

TEST_F(RegistryTest, OverlongRequestIdIsRefused) {
  const std::string event = CreateEvent("Import").id();
  v1::ImportParticipantsRequest request = ImportRequest(event, kGoodRows);
  request.set_request_id(std::string(kMaxKeyLength + 1, 'r'));
  v1::ImportParticipantsResponse response;
  EXPECT_THAT(
      registry_->ImportParticipants(request, &response),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("request_id: 101 characters")));
  EXPECT_THAT(ListAll(event), IsEmpty());
}

TEST_F(RegistryTest, ImportWithBadRowsStoresNothingUnlessSkipInvalid) {
  const std::string event = CreateEvent("Import").id();
  std::vector<std::vector<std::string>> rows = {
      kGoodRows[0], {"Bad Email", "not-an-email", "MY", "", "", ""},            // line 3
      kGoodRows[1], {"Bad Country", "bc@example.org", "Atlantis", "", "", ""},  // line 5
      kGoodRows[2],
  };
  v1::ImportParticipantsResponse response;
  ASSERT_THAT(registry_->ImportParticipants(ImportRequest(event, rows), &response), IsOk());
  ASSERT_THAT(response.errors(), SizeIs(2));
  EXPECT_EQ(response.errors(0).line(), 3);
  EXPECT_EQ(response.errors(0).field(), "email");
  EXPECT_EQ(response.errors(1).line(), 5);
  EXPECT_EQ(response.errors(1).field(), "country");
  EXPECT_THAT(response.participants(), IsEmpty());
  EXPECT_THAT(ListAll(event), IsEmpty());

  v1::ImportParticipantsRequest skip = ImportRequest(event, rows);
  skip.set_skip_invalid(true);
  v1::ImportParticipantsResponse skipped;
  ASSERT_THAT(registry_->ImportParticipants(skip, &skipped), IsOk());
  EXPECT_THAT(skipped.errors(), SizeIs(2));
  EXPECT_THAT(skipped.participants(), SizeIs(3));
  EXPECT_EQ(skipped.confirmed_count(), 3);
  std::vector<v1::Participant> stored = ListAll(event);
  ASSERT_THAT(stored, SizeIs(3));
  EXPECT_EQ(stored[0].email(), "hoa@example.org");
  EXPECT_EQ(stored[1].email(), "somchai@example.org");
  EXPECT_EQ(stored[2].email(), "aigerim@example.org");
}

TEST_F(RegistryTest, ImportDuplicateEmailInFileNamesEarlierLine) {
  const std::string event = CreateEvent("Import").id();
  std::vector<std::vector<std::string>> rows = kGoodRows;
  rows.push_back({"Hoa again", "HOA@example.org", "VN", "", "", ""});  // line 5
  v1::ImportParticipantsResponse response;
  ASSERT_THAT(registry_->ImportParticipants(ImportRequest(event, rows), &response), IsOk());
  ASSERT_THAT(response.errors(), SizeIs(1));
  EXPECT_EQ(response.errors(0).line(), 5);
  EXPECT_EQ(response.errors(0).field(), "email");
  EXPECT_THAT(response.errors(0).reason(), HasSubstr("line 2"));
  EXPECT_THAT(ListAll(event), IsEmpty());
}

TEST_F(RegistryTest, ImportReportsEmailAlreadyInEvent) {
  const std::string event = CreateEvent("Import").id();
  v1::Participant holder = Add(NewParticipant(event, "Somchai", "Somchai@Example.org", "TH"));
  v1::ImportParticipantsResponse response;
  ASSERT_THAT(registry_->ImportParticipants(ImportRequest(event, kGoodRows), &response), IsOk());
  ASSERT_THAT(response.errors(), SizeIs(1));
  EXPECT_EQ(response.errors(0).line(), 3);
  EXPECT_EQ(response.errors(0).field(), "email");
  EXPECT_THAT(response.errors(0).reason(), HasSubstr(holder.id()));
  EXPECT_THAT(ListAll(event), SizeIs(1));
}

TEST_F(RegistryTest, ImportValidateOnlyStoresNothing) {
  const std::string event = CreateEvent("Import").id();
  v1::ImportParticipantsRequest request = ImportRequest(event, kGoodRows);
  request.set_validate_only(true);
  request.set_request_id("import-x");
  v1::ImportParticipantsResponse response;
  ASSERT_THAT(registry_->ImportParticipants(request, &response), IsOk());
  EXPECT_THAT(response.errors(), IsEmpty());
  EXPECT_THAT(ListAll(event), IsEmpty());
  // A dry run does not use up the request id.
  request.set_validate_only(false);
  v1::ImportParticipantsResponse real;
  ASSERT_THAT(registry_->ImportParticipants(request, &real), IsOk());
  EXPECT_THAT(real.participants(), SizeIs(3));
  EXPECT_THAT(ListAll(event), SizeIs(3));
}

TEST_F(RegistryTest, ImportRejectsBadHeaderAndUnknownEvent) {
  const std::string event = CreateEvent("Import").id();
  v1::ImportParticipantsRequest request = ImportRequest(event, kGoodRows);
  request.set_header(1, "Mail");
  v1::ImportParticipantsResponse response;
  EXPECT_THAT(
      registry_->ImportParticipants(request, &response),
      StatusIs(absl::StatusCode::kInvalidArgument, AllOf(HasSubstr("header"), HasSubstr("email"))));
  v1::ImportParticipantsResponse unknown;
  EXPECT_THAT(registry_->ImportParticipants(ImportRequest("evt_nosuchevent", kGoodRows), &unknown),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("evt_nosuchevent")));
  v1::ImportParticipantsResponse empty;
  EXPECT_THAT(registry_->ImportParticipants(ImportRequest(event, {}), &empty),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("rows")));
}

// --- Listing -----------------------------------------------------------------

TEST_F(RegistryTest, ListParticipantsFiltersAndPages) {
  const std::string event = CreateEvent("Filters", 4).id();
  const std::string other = CreateEvent("Other").id();
  auto add = [&](const std::string& name, const std::string& country, v1::Sector sector,
                 v1::Role role, v1::Gender gender) {
    v1::Participant p = NewParticipant(event, name, absl::StrCat(name, "@example.org"), country);
    p.set_sector(sector);
    p.set_role(role);
    p.set_gender(gender);
    v1::Participant added = Add(p);
    // Interleave another event's participants to test the cursor.
    Add(other, absl::StrCat("other-", name));
    return added;
  };
  v1::Participant a =
      add("a", "VN", v1::SECTOR_CIVIL_SOCIETY, v1::ROLE_PARTICIPANT, v1::GENDER_FEMALE);
  v1::Participant b =
      add("b", "Viet Nam", v1::SECTOR_GOVERNMENT, v1::ROLE_SPEAKER, v1::GENDER_MALE);
  v1::Participant c =
      add("c", "MY", v1::SECTOR_CIVIL_SOCIETY, v1::ROLE_PARTICIPANT, v1::GENDER_MALE);
  v1::Participant d =
      add("d", "Lao PDR", v1::SECTOR_ACADEMIA, v1::ROLE_MODERATOR, v1::GENDER_FEMALE);
  v1::Participant e = add("e", "vn", v1::SECTOR_CIVIL_SOCIETY, v1::ROLE_PARTICIPANT,
                          v1::GENDER_FEMALE);  // waitlisted

  auto list = [&](auto set_filter) {
    v1::ListParticipantsRequest request;
    request.set_event_id(event);
    set_filter(request);
    std::vector<std::string> ids;
    for (const v1::Participant& p : ListAll(request)) ids.push_back(p.id());
    return ids;
  };
  EXPECT_THAT(list([](auto&) {}), ElementsAre(a.id(), b.id(), c.id(), d.id(), e.id()));
  EXPECT_THAT(list([](auto& r) { r.set_country("Viet Nam"); }),
              ElementsAre(a.id(), b.id(), e.id()));
  EXPECT_THAT(list([](auto& r) { r.set_country("LA"); }), ElementsAre(d.id()));
  EXPECT_THAT(list([](auto& r) { r.set_status(v1::PARTICIPANT_STATUS_WAITLISTED); }),
              ElementsAre(e.id()));
  EXPECT_THAT(list([](auto& r) { r.set_status(v1::PARTICIPANT_STATUS_CONFIRMED); }),
              ElementsAre(a.id(), b.id(), c.id(), d.id()));
  EXPECT_THAT(list([](auto& r) { r.set_sector(v1::SECTOR_CIVIL_SOCIETY); }),
              ElementsAre(a.id(), c.id(), e.id()));
  EXPECT_THAT(list([](auto& r) { r.set_role(v1::ROLE_SPEAKER); }), ElementsAre(b.id()));
  EXPECT_THAT(list([](auto& r) { r.set_gender(v1::GENDER_MALE); }), ElementsAre(b.id(), c.id()));
  EXPECT_THAT(list([](auto& r) {
                r.set_country("VN");
                r.set_sector(v1::SECTOR_CIVIL_SOCIETY);
                r.set_status(v1::PARTICIPANT_STATUS_CONFIRMED);
              }),
              ElementsAre(a.id()));
  EXPECT_THAT(list([](auto& r) { r.set_country("KZ"); }), IsEmpty());

  // Pages of two, filtered and not, each participant exactly once, in order.
  for (int size : {1, 2, 3}) {
    EXPECT_THAT(list([size](auto& r) { r.set_page_size(size); }),
                ElementsAre(a.id(), b.id(), c.id(), d.id(), e.id()))
        << size;
    EXPECT_THAT(list([size](auto& r) {
                  r.set_page_size(size);
                  r.set_gender(v1::GENDER_FEMALE);
                }),
                ElementsAre(a.id(), d.id(), e.id()))
        << size;
  }
  v1::ListParticipantsRequest paged;
  paged.set_event_id(event);
  paged.set_page_size(2);
  v1::ListParticipantsResponse page1;
  ASSERT_THAT(registry_->ListParticipants(paged, &page1), IsOk());
  EXPECT_THAT(page1.participants(), SizeIs(2));
  EXPECT_FALSE(page1.next_page_token().empty());

  v1::ListParticipantsRequest bad;
  bad.set_event_id(event);
  bad.set_country("Atlantis");
  v1::ListParticipantsResponse response;
  EXPECT_THAT(registry_->ListParticipants(bad, &response),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("country")));
  bad.clear_country();
  bad.set_page_token("garbage");
  EXPECT_THAT(registry_->ListParticipants(bad, &response),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("page_token")));
}

// --- Updating participants ---------------------------------------------------

TEST_F(RegistryTest, UpdateParticipantMaskChangesOnlyNamedFields) {
  const std::string event = CreateEvent("Update").id();
  v1::Participant p = NewParticipant(event, "Batbayar", "bat@example.org", "MN");
  p.set_organization("Old Org");
  p.set_sector(v1::SECTOR_MEDIA);
  (*p.mutable_attributes())["city"] = "Ulaanbaatar";
  v1::Participant added = Add(p);
  ASSERT_THAT(CheckIn(added.id(), "2024-10-01"), IsOk());

  now_ += absl::Minutes(5);
  v1::UpdateParticipantRequest request;
  request.mutable_participant()->set_id(added.id());
  request.mutable_participant()->set_organization("  New Org ");
  request.mutable_participant()->set_name("Not applied");
  request.mutable_update_mask()->add_paths("organization");
  v1::UpdateParticipantResponse response;
  ASSERT_THAT(registry_->UpdateParticipant(request, &response), IsOk());
  EXPECT_EQ(response.participant().organization(), "New Org");

  v1::Participant got = Get(added.id());
  EXPECT_EQ(got.organization(), "New Org");
  EXPECT_EQ(got.name(), "Batbayar");
  EXPECT_EQ(got.email(), "bat@example.org");
  EXPECT_EQ(got.country(), "MN");
  EXPECT_EQ(got.sector(), v1::SECTOR_MEDIA);
  EXPECT_EQ(got.status(), v1::PARTICIPANT_STATUS_CONFIRMED);
  EXPECT_EQ(got.arrival(), 1);
  EXPECT_THAT(got.attributes(), UnorderedElementsAre(Pair("city", "Ulaanbaatar")));
  EXPECT_THAT(got.check_in_days(), ElementsAre("2024-10-01"));
  EXPECT_EQ(got.create_time().seconds(), added.create_time().seconds());
  EXPECT_EQ(got.update_time().seconds(), absl::ToUnixSeconds(now_));

  // Country via a name; the stored value is the code.
  request.mutable_participant()->set_country("Lao PDR");
  request.mutable_update_mask()->set_paths(0, "country");
  ASSERT_THAT(registry_->UpdateParticipant(request, &response), IsOk());
  EXPECT_EQ(Get(added.id()).country(), "LA");
}

TEST_F(RegistryTest, UpdateParticipantRefusesStatusAndBadValues) {
  const std::string event = CreateEvent("Update", 1).id();
  Add(event, "first");
  v1::Participant waiting = Add(event, "waiting");
  ASSERT_EQ(waiting.status(), v1::PARTICIPANT_STATUS_WAITLISTED);
  v1::UpdateParticipantRequest request;
  request.mutable_participant()->set_id(waiting.id());
  request.mutable_participant()->set_status(v1::PARTICIPANT_STATUS_CONFIRMED);
  request.mutable_update_mask()->add_paths("status");
  v1::UpdateParticipantResponse response;
  EXPECT_THAT(registry_->UpdateParticipant(request, &response),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("update_mask")));
  request.mutable_update_mask()->set_paths(0, "event_id");
  EXPECT_THAT(registry_->UpdateParticipant(request, &response),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("update_mask")));
  request.mutable_participant()->set_email("broken");
  request.mutable_update_mask()->set_paths(0, "email");
  EXPECT_THAT(registry_->UpdateParticipant(request, &response),
              StatusIs(absl::StatusCode::kInvalidArgument, StartsWith("email")));
  v1::Participant got = Get(waiting.id());
  EXPECT_EQ(got.status(), v1::PARTICIPANT_STATUS_WAITLISTED);
  EXPECT_EQ(got.email(), "waiting@example.org");
}

TEST_F(RegistryTest, UpdateParticipantEmailStaysUnique) {
  const std::string event = CreateEvent("Update").id();
  v1::Participant a = Add(NewParticipant(event, "A", "a@example.org"));
  v1::Participant b = Add(NewParticipant(event, "B", "b@example.org"));
  v1::UpdateParticipantRequest request;
  request.mutable_participant()->set_id(b.id());
  request.mutable_participant()->set_email("A@EXAMPLE.org");
  request.mutable_update_mask()->add_paths("email");
  v1::UpdateParticipantResponse response;
  EXPECT_THAT(registry_->UpdateParticipant(request, &response),
              StatusIs(absl::StatusCode::kAlreadyExists, HasSubstr(a.id())));
  EXPECT_EQ(Get(b.id()).email(), "b@example.org");
  // Changing only the case of one's own email is fine.
  request.mutable_participant()->set_email("B@Example.org");
  ASSERT_THAT(registry_->UpdateParticipant(request, &response), IsOk());
  EXPECT_EQ(Get(b.id()).email(), "B@Example.org");
  // And the new address is then taken for newcomers.
  EXPECT_THAT(TryAdd(NewParticipant(event, "C", "b@example.ORG"), nullptr),
              StatusIs(absl::StatusCode::kAlreadyExists, HasSubstr(b.id())));
}

// --- Check-in ----------------------------------------------------------------

TEST_F(RegistryTest, CheckIn) {
  const std::string event = CreateEvent("Check-in", 1).id();
  v1::Participant confirmed = Add(event, "confirmed");
  v1::Participant waiting = Add(event, "waiting");
  v1::Participant leaving = Add(event, "leaving");
  Cancel(leaving.id());

  EXPECT_THAT(CheckIn(confirmed.id(), "2024-10-05"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("day")));
  EXPECT_THAT(CheckIn(waiting.id(), "2024-10-01"),
              StatusIs(absl::StatusCode::kFailedPrecondition, _));
  EXPECT_THAT(CheckIn(leaving.id(), "2024-10-01"),
              StatusIs(absl::StatusCode::kFailedPrecondition, _));

  v1::Participant checked_in;
  ASSERT_THAT(CheckIn(confirmed.id(), "2024-10-03", &checked_in), IsOk());
  EXPECT_THAT(checked_in.check_in_days(), ElementsAre("2024-10-03"));
  ASSERT_THAT(CheckIn(confirmed.id(), "2024-10-01", &checked_in), IsOk());
  ASSERT_THAT(CheckIn(confirmed.id(), "2024-10-01", &checked_in), IsOk());
  EXPECT_THAT(checked_in.check_in_days(), ElementsAre("2024-10-01", "2024-10-03"));
  EXPECT_THAT(Get(confirmed.id()).check_in_days(), ElementsAre("2024-10-01", "2024-10-03"));
  EXPECT_THAT(Get(waiting.id()).check_in_days(), IsEmpty());
}

TEST_F(RegistryTest, CheckInTodayIsInTheEventsZone) {
  const std::string event = CreateEvent("Check-in").id();  // Asia/Kuala_Lumpur
  v1::Participant p = Add(event, "p");
  // 23:59 on 30 September in Kuala Lumpur: before the event.
  now_ = Utc(2024, 9, 30, 15, 59);
  EXPECT_THAT(CheckIn(p.id(), ""), StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("day")));
  // Midnight in Kuala Lumpur, still 30 September in UTC.
  now_ = Utc(2024, 9, 30, 16, 0);
  v1::Participant checked_in;
  ASSERT_THAT(CheckIn(p.id(), "", &checked_in), IsOk());
  EXPECT_THAT(checked_in.check_in_days(), ElementsAre("2024-10-01"));
  // 17:30 UTC on 1 October is already 2 October (UTC+8).
  now_ = Utc(2024, 10, 1, 17, 30);
  ASSERT_THAT(CheckIn(p.id(), "", &checked_in), IsOk());
  EXPECT_THAT(checked_in.check_in_days(), ElementsAre("2024-10-01", "2024-10-02"));
  // After the last day.
  now_ = Utc(2024, 10, 3, 16, 0);
  EXPECT_THAT(CheckIn(p.id(), ""), StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("day")));
}

// --- Summary -----------------------------------------------------------------

TEST_F(RegistryTest, ParticipationSummary) {
  const std::string event = CreateEvent("Summary", 5).id();
  auto add = [&](const std::string& name, const std::string& country, v1::Sector sector,
                 v1::Gender gender, v1::Role role = v1::ROLE_UNSPECIFIED) {
    v1::Participant p = NewParticipant(event, name, absl::StrCat(name, "@example.org"), country);
    p.set_sector(sector);
    p.set_gender(gender);
    p.set_role(role);
    return Add(p);
  };
  v1::Participant p1 = add("p1", "Viet Nam", v1::SECTOR_CIVIL_SOCIETY, v1::GENDER_FEMALE);
  v1::Participant p2 = add("p2", "VN", v1::SECTOR_GOVERNMENT, v1::GENDER_MALE);
  add("p3", "MY", v1::SECTOR_CIVIL_SOCIETY, v1::GENDER_FEMALE);
  add("p4", "KZ", v1::SECTOR_CIVIL_SOCIETY, v1::GENDER_MALE, v1::ROLE_SPEAKER);
  v1::Participant p5 = add("p5", "TH", v1::SECTOR_ACADEMIA, v1::GENDER_FEMALE);
  add("p6", "VN", v1::SECTOR_MEDIA, v1::GENDER_FEMALE);  // waitlisted
  add("p7", "MY", v1::SECTOR_MEDIA, v1::GENDER_MALE);    // waitlisted
  ASSERT_EQ(Cancel(p5.id()).promoted().name(), "p6");
  ASSERT_THAT(CheckIn(p1.id(), "2024-10-01"), IsOk());
  ASSERT_THAT(CheckIn(p1.id(), "2024-10-01"), IsOk());
  ASSERT_THAT(CheckIn(p1.id(), "2024-10-03"), IsOk());
  ASSERT_THAT(CheckIn(p2.id(), "2024-10-01"), IsOk());

  v1::GetParticipationSummaryResponse summary = Summary(event);
  EXPECT_EQ(summary.event_id(), event);
  EXPECT_EQ(summary.confirmed_count(), 5);
  EXPECT_EQ(summary.waitlisted_count(), 1);
  EXPECT_EQ(summary.cancelled_count(), 1);
  // Confirmed only: p1 p2 p6 (VN), p3 (MY), p4 (KZ).
  EXPECT_THAT(ToPairs(summary.by_country()),
              ElementsAre(Pair("VN", 3), Pair("KZ", 1), Pair("MY", 1)));
  EXPECT_THAT(ToPairs(summary.by_sector()),
              ElementsAre(Pair("SECTOR_CIVIL_SOCIETY", 3), Pair("SECTOR_GOVERNMENT", 1),
                          Pair("SECTOR_MEDIA", 1)));
  EXPECT_THAT(ToPairs(summary.by_gender()),
              ElementsAre(Pair("GENDER_FEMALE", 3), Pair("GENDER_MALE", 2)));
  EXPECT_THAT(ToPairs(summary.by_role()),
              ElementsAre(Pair("ROLE_PARTICIPANT", 4), Pair("ROLE_SPEAKER", 1)));
  EXPECT_THAT(ToPairs(summary.check_ins_by_day()),
              ElementsAre(Pair("2024-10-01", 2), Pair("2024-10-02", 0), Pair("2024-10-03", 1)));

  // An event nobody registered for still lists its days.
  const std::string empty = CreateEvent("Empty").id();
  v1::GetParticipationSummaryResponse none = Summary(empty);
  EXPECT_EQ(none.confirmed_count(), 0);
  EXPECT_THAT(none.by_country(), IsEmpty());
  EXPECT_THAT(ToPairs(none.check_ins_by_day()),
              ElementsAre(Pair("2024-10-01", 0), Pair("2024-10-02", 0), Pair("2024-10-03", 0)));
}

// --- Persistence -------------------------------------------------------------

TEST_F(RegistryTest, EverythingSurvivesReopening) {
  v1::Event event = CreateEvent("Durable", 2);
  v1::Participant a = NewParticipant(event.id(), "Nguyễn Thị Hoa", "hoa@example.org", "Viet Nam");
  (*a.mutable_attributes())["dietary"] = "vegetarian";
  v1::Participant added_a;
  ASSERT_THAT(TryAdd(a, &added_a, "add-a"), IsOk());
  v1::Participant b = Add(event.id(), "b");
  v1::Participant c = Add(event.id(), "c");
  ASSERT_THAT(CheckIn(added_a.id(), "2024-10-02"), IsOk());
  Cancel(b.id());  // promotes c
  const std::vector<v1::Participant> before = ListAll(event.id());
  const v1::GetParticipationSummaryResponse summary_before = Summary(event.id());

  Close();
  Open();

  EXPECT_THAT(store_->CheckIntegrity(), IsOk());
  EXPECT_TRUE(MessageDifferencer::Equals(GetEvent(event.id()), event));
  const std::vector<v1::Participant> after = ListAll(event.id());
  ASSERT_EQ(after.size(), before.size());
  for (size_t i = 0; i < after.size(); ++i) {
    EXPECT_TRUE(MessageDifferencer::Equals(after[i], before[i]))
        << after[i].DebugString() << " vs " << before[i].DebugString();
  }
  EXPECT_EQ(Get(c.id()).status(), v1::PARTICIPANT_STATUS_CONFIRMED);
  EXPECT_THAT(Get(added_a.id()).check_in_days(), ElementsAre("2024-10-02"));
  EXPECT_THAT(Get(added_a.id()).attributes(), UnorderedElementsAre(Pair("dietary", "vegetarian")));
  EXPECT_TRUE(MessageDifferencer::Equals(Summary(event.id()), summary_before));

  // The request log survived too, and arrival numbering continues.
  v1::Participant retried;
  ASSERT_THAT(TryAdd(a, &retried, "add-a"), IsOk());
  EXPECT_EQ(retried.id(), added_a.id());
  EXPECT_EQ(Add(event.id(), "d").arrival(), 4);
  EXPECT_THAT(store_->CheckIntegrity(), IsOk());
}

// --- Unknown ids -------------------------------------------------------------

TEST_F(RegistryTest, UnknownIdsAreNotFoundNamingTheId) {
  const std::string event = CreateEvent("Real").id();
  const auto not_found = [](const std::string& id) {
    return StatusIs(absl::StatusCode::kNotFound, HasSubstr(id));
  };
  {
    v1::GetEventRequest request;
    request.set_event_id("evt_missing0001");
    v1::GetEventResponse response;
    EXPECT_THAT(registry_->GetEvent(request, &response), not_found("evt_missing0001"));
  }
  {
    v1::UpdateEventResponse response;
    EXPECT_THAT(UpdateCapacity("evt_missing0002", 3, &response), not_found("evt_missing0002"));
  }
  EXPECT_THAT(TryAdd(NewParticipant("evt_missing0003", "x", "x@example.org"), nullptr),
              not_found("evt_missing0003"));
  {
    v1::ListParticipantsRequest request;
    request.set_event_id("evt_missing0004");
    v1::ListParticipantsResponse response;
    EXPECT_THAT(registry_->ListParticipants(request, &response), not_found("evt_missing0004"));
  }
  {
    v1::GetParticipationSummaryRequest request;
    request.set_event_id("evt_missing0005");
    v1::GetParticipationSummaryResponse response;
    EXPECT_THAT(registry_->GetParticipationSummary(request, &response),
                not_found("evt_missing0005"));
  }
  {
    v1::GetParticipantRequest request;
    request.set_participant_id("par_missing0001");
    v1::GetParticipantResponse response;
    EXPECT_THAT(registry_->GetParticipant(request, &response), not_found("par_missing0001"));
  }
  {
    v1::UpdateParticipantRequest request;
    request.mutable_participant()->set_id("par_missing0002");
    request.mutable_participant()->set_name("x");
    request.mutable_update_mask()->add_paths("name");
    v1::UpdateParticipantResponse response;
    EXPECT_THAT(registry_->UpdateParticipant(request, &response), not_found("par_missing0002"));
  }
  {
    v1::CancelParticipantRequest request;
    request.set_participant_id("par_missing0003");
    v1::CancelParticipantResponse response;
    EXPECT_THAT(registry_->CancelParticipant(request, &response), not_found("par_missing0003"));
  }
  EXPECT_THAT(CheckIn("par_missing0004", "2024-10-01"), not_found("par_missing0004"));

  // Empty ids are the caller's mistake, not missing things.
  v1::GetEventResponse response;
  EXPECT_THAT(registry_->GetEvent({}, &response),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("event_id")));
  EXPECT_THAT(TryAdd(NewParticipant("", "x", "x@example.org"), nullptr),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("event_id")));
}

// --- The store on its own ----------------------------------------------------

TEST_F(RegistryTest, StoreAssignsArrivalPerEventAndRollsBack) {
  const std::string e1 = CreateEvent("One").id();
  const std::string e2 = CreateEvent("Two").id();
  auto participant = [](const std::string& event, const std::string& id,
                        v1::ParticipantStatus status) {
    v1::Participant p;
    p.set_id(id);
    p.set_event_id(event);
    p.set_name(id);
    p.set_email(absl::StrCat(id, "@example.org"));
    p.set_country("MY");
    p.set_status(status);
    return p;
  };
  {
    auto txn = store_->BeginWrite();
    ASSERT_THAT(txn->status(), IsOk());
    for (const auto& [event, id, status] :
         std::vector<std::tuple<std::string, std::string, v1::ParticipantStatus>>{
             {e1, "par_s1", v1::PARTICIPANT_STATUS_CONFIRMED},
             {e2, "par_s2", v1::PARTICIPANT_STATUS_WAITLISTED},
             {e1, "par_s3", v1::PARTICIPANT_STATUS_WAITLISTED},
             {e1, "par_s4", v1::PARTICIPANT_STATUS_WAITLISTED},
             {e2, "par_s5", v1::PARTICIPANT_STATUS_WAITLISTED}}) {
      v1::Participant p = participant(event, id, status);
      ASSERT_THAT(store_->InsertParticipant(p), IsOk());
    }
    ASSERT_THAT(txn->Commit(), IsOk());
  }
  {
    auto lock = store_->LockForRead();
    auto s4 = store_->GetParticipant("par_s4");
    ASSERT_THAT(s4, IsOk());
    EXPECT_EQ(s4->arrival(), 3);
    auto s5 = store_->GetParticipant("par_s5");
    ASSERT_THAT(s5, IsOk());
    EXPECT_EQ(s5->arrival(), 2);
    auto waiting = store_->EarliestWaitlisted(e1, 5);
    ASSERT_THAT(waiting, IsOk());
    std::vector<std::string> ids;
    for (const v1::Participant& p : *waiting) ids.push_back(p.id());
    EXPECT_THAT(ids, ElementsAre("par_s3", "par_s4"));
    auto found = store_->FindByEmail(e1, EmailKey("PAR_S3@example.org"));
    ASSERT_THAT(found, IsOk());
    ASSERT_TRUE(found->has_value());
    EXPECT_EQ((*found)->id(), "par_s3");
    auto not_there = store_->FindByEmail(e2, EmailKey("par_s3@example.org"));
    ASSERT_THAT(not_there, IsOk());
    EXPECT_FALSE(not_there->has_value());
    // A duplicate (event, email) is refused by the schema itself.
  }
  {
    auto txn = store_->BeginWrite();
    v1::Participant dup = participant(e1, "par_s6", v1::PARTICIPANT_STATUS_CONFIRMED);
    dup.set_email("Par_S1@example.org");
    EXPECT_THAT(store_->InsertParticipant(dup), StatusIs(absl::StatusCode::kAlreadyExists, _));
  }
  {
    // Not committed: rolled back.
    auto txn = store_->BeginWrite();
    v1::Participant p = participant(e1, "par_s7", v1::PARTICIPANT_STATUS_CONFIRMED);
    ASSERT_THAT(store_->InsertParticipant(p), IsOk());
  }
  auto lock = store_->LockForRead();
  EXPECT_THAT(store_->GetParticipant("par_s7"),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("par_s7")));
  auto count = store_->CountWithStatus(e1, v1::PARTICIPANT_STATUS_WAITLISTED);
  ASSERT_THAT(count, IsOk());
  EXPECT_EQ(*count, 2);
}

}  // namespace
}  // namespace convene::registration
