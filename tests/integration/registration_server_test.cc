// The registration service as operators run it: the real convene-registration
// binary on a loopback port with its SQLite file in a temporary folder, called
// through gRPC, killed and restarted.
#include <gmock/gmock.h>
#include <grpcpp/generic/generic_stub.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include <atomic>
#include <barrier>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "convene/registration/v1/registration_service.grpc.pb.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "services/common/client.h"
#include "services/common/sqlite/database.h"
#include "services/common/testing/process.h"
#include "services/common/testing/status_matchers.h"

namespace convene {
namespace {

namespace v1 = ::convene::registration::v1;
using ::convene::testing::GrpcStatusIs;
using ::convene::testing::ServiceProcess;
using ::testing::HasSubstr;

class RegistrationServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    data_dir_ = testing::MakeTempDir("registration");
    Start();
  }

  void Start(int port = 0, std::vector<std::string> flags = {}) {
    auto process = ServiceProcess::Start("convene-registration", data_dir_, flags, port);
    ASSERT_TRUE(process.ok()) << process.status();
    server_.emplace(std::move(process).value());
    stub_ = v1::RegistrationService::NewStub(MakeChannel(server_->address()));
  }

  // Kills the server with `signal` and starts it again on the same port and
  // data.
  void Restart(int signal) {
    const int port = server_->port();
    server_->Stop(signal);
    server_.reset();
    Start(port);
  }

  std::string CreateEvent(int capacity) {
    v1::CreateEventRequest request;
    v1::Event* event = request.mutable_event();
    event->set_title("Regional dialogue on corruption and human rights");
    event->set_time_zone("Asia/Kuala_Lumpur");
    event->set_start_date("2024-10-01");
    event->set_end_date("2024-10-02");
    event->set_country("Malaysia");
    event->set_capacity(capacity);
    v1::CreateEventResponse response;
    auto context = NewCallContext();
    grpc::Status status = stub_->CreateEvent(context.get(), request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response.event().id();
  }

  static v1::AddParticipantRequest AddRequest(const std::string& event_id, int n) {
    v1::AddParticipantRequest request;
    v1::Participant* p = request.mutable_participant();
    p->set_event_id(event_id);
    p->set_name(absl::StrCat("Participant ", n));
    p->set_email(absl::StrCat("p", n, "@example.org"));
    p->set_country(n % 2 ? "Viet Nam" : "TH");
    p->set_sector(v1::SECTOR_CIVIL_SOCIETY);
    return request;
  }

  std::vector<v1::Participant> ListAll(const std::string& event_id) {
    std::vector<v1::Participant> all;
    v1::ListParticipantsRequest request;
    request.set_event_id(event_id);
    request.set_page_size(7);
    do {
      v1::ListParticipantsResponse response;
      auto context = NewCallContext();
      grpc::Status status = stub_->ListParticipants(context.get(), request, &response);
      EXPECT_TRUE(status.ok()) << status.error_message();
      if (!status.ok()) break;
      for (const auto& p : response.participants()) all.push_back(p);
      request.set_page_token(response.next_page_token());
    } while (!request.page_token().empty());
    return all;
  }

  std::string data_dir_;
  std::optional<ServiceProcess> server_;
  std::unique_ptr<v1::RegistrationService::Stub> stub_;
};

TEST_F(RegistrationServerTest, ServesHealth) {
  auto health = grpc::health::v1::Health::NewStub(MakeChannel(server_->address()));
  grpc::health::v1::HealthCheckRequest request;
  grpc::health::v1::HealthCheckResponse response;
  auto context = NewCallContext();
  ASSERT_TRUE(health->Check(context.get(), request, &response).ok());
  EXPECT_EQ(response.status(), grpc::health::v1::HealthCheckResponse::SERVING);
}

// Server reflection, asked the way grpcurl asks it: ServerReflectionInfo with list_services. The
// request is hand-encoded (field 7, list_services = "*") because linking a second copy of the
// reflection proto next to gRPC's own would clash; the answer must name our service.
TEST_F(RegistrationServerTest, ServesReflection) {
  grpc::GenericStub stub(MakeChannel(server_->address()));
  grpc::CompletionQueue cq;
  auto context = NewCallContext();
  auto call = stub.PrepareCall(
      context.get(), "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo", &cq);
  auto step = [&cq](int tag) {
    void* got = nullptr;
    bool ok = false;
    return cq.Next(&got, &ok) && ok && got == reinterpret_cast<void*>(tag);
  };
  call->StartCall(reinterpret_cast<void*>(1));
  ASSERT_TRUE(step(1));
  const std::string list_services("\x3a\x01*", 3);
  grpc::Slice slice(list_services);
  grpc::ByteBuffer request(&slice, 1);
  call->Write(request, reinterpret_cast<void*>(2));
  ASSERT_TRUE(step(2));
  call->WritesDone(reinterpret_cast<void*>(3));
  ASSERT_TRUE(step(3));
  grpc::ByteBuffer reply;
  call->Read(&reply, reinterpret_cast<void*>(4));
  ASSERT_TRUE(step(4));
  grpc::Status status;
  call->Finish(&status, reinterpret_cast<void*>(5));
  ASSERT_TRUE(step(5));
  ASSERT_TRUE(status.ok()) << status.error_message();
  std::vector<grpc::Slice> slices;
  ASSERT_TRUE(reply.Dump(&slices).ok());
  std::string bytes;
  for (const grpc::Slice& s : slices)
    bytes.append(reinterpret_cast<const char*>(s.begin()), s.size());
  EXPECT_THAT(bytes, HasSubstr("convene.registration.v1.RegistrationService"));
  EXPECT_THAT(bytes, HasSubstr("grpc.health.v1.Health"));
  cq.Shutdown();
}

TEST_F(RegistrationServerTest, SixtyFourConcurrentAddsToThirtySeats) {
  const std::string event_id = CreateEvent(30);
  constexpr int kClients = 64;
  std::barrier start(kClients);
  std::vector<v1::Participant> added(kClients);
  std::vector<grpc::Status> statuses(kClients);
  std::vector<std::thread> clients;
  for (int i = 0; i < kClients; ++i) {
    clients.emplace_back([&, i] {
      // Each client has its own channel, as 64 separate organisers' laptops
      // would.
      auto stub = v1::RegistrationService::NewStub(MakeChannel(server_->address()));
      v1::AddParticipantResponse response;
      auto context = NewCallContext();
      start.arrive_and_wait();
      statuses[i] = stub->AddParticipant(context.get(), AddRequest(event_id, i), &response);
      added[i] = response.participant();
    });
  }
  for (auto& t : clients) t.join();
  int confirmed = 0, waitlisted = 0;
  std::set<int64_t> arrivals;
  for (int i = 0; i < kClients; ++i) {
    ASSERT_TRUE(statuses[i].ok()) << statuses[i].error_message();
    arrivals.insert(added[i].arrival());
    if (added[i].status() == v1::PARTICIPANT_STATUS_CONFIRMED) {
      ++confirmed;
      // Seats go strictly first come, first served.
      EXPECT_LE(added[i].arrival(), 30);
    } else {
      EXPECT_EQ(added[i].status(), v1::PARTICIPANT_STATUS_WAITLISTED);
      ++waitlisted;
      EXPECT_GT(added[i].arrival(), 30);
    }
  }
  EXPECT_EQ(confirmed, 30);
  EXPECT_EQ(waitlisted, 34);
  EXPECT_EQ(arrivals.size(), 64u);
  EXPECT_EQ(*arrivals.begin(), 1);
  EXPECT_EQ(*arrivals.rbegin(), 64);

  // What the service stored agrees with what it answered.
  v1::GetParticipationSummaryRequest summary_request;
  summary_request.set_event_id(event_id);
  v1::GetParticipationSummaryResponse summary;
  auto context = NewCallContext();
  ASSERT_TRUE(stub_->GetParticipationSummary(context.get(), summary_request, &summary).ok());
  EXPECT_EQ(summary.confirmed_count(), 30);
  EXPECT_EQ(summary.waitlisted_count(), 34);
}

TEST_F(RegistrationServerTest, AcknowledgedAddsSurviveSigkill) {
  const std::string event_id = CreateEvent(0);
  for (int round = 0; round < 3; ++round) {
    std::mutex mu;
    std::set<std::string> acknowledged;
    std::atomic<bool> stop{false};
    std::vector<std::thread> writers;
    for (int w = 0; w < 4; ++w) {
      writers.emplace_back([&, w] {
        auto stub = v1::RegistrationService::NewStub(MakeChannel(server_->address()));
        for (int n = 0; !stop; ++n) {
          v1::AddParticipantResponse response;
          auto context = NewCallContext(absl::Seconds(2));
          auto request = AddRequest(event_id, round * 1000000 + w * 100000 + n);
          if (stub->AddParticipant(context.get(), request, &response).ok()) {
            std::lock_guard<std::mutex> lock(mu);
            acknowledged.insert(response.participant().id());
          } else {
            return;  // the server is gone
          }
        }
      });
    }
    // Some adds acknowledged (however slow the build: sanitizers), then more under way.
    for (int i = 0; i < 3000; ++i) {
      {
        std::lock_guard<std::mutex> lock(mu);
        if (!acknowledged.empty()) break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    Restart(SIGKILL);  // mid-write
    stop = true;
    for (auto& t : writers) t.join();
    ASSERT_FALSE(acknowledged.empty());
    std::set<std::string> stored;
    for (const auto& p : ListAll(event_id)) stored.insert(p.id());
    for (const std::string& id : acknowledged) {
      EXPECT_TRUE(stored.count(id)) << "acknowledged " << id << " was lost in round " << round;
    }
  }
  server_->Stop(SIGTERM);
  auto db = sqlite::Database::Open({.path = data_dir_ + "/registration.db"});
  ASSERT_TRUE(db.ok());
  EXPECT_TRUE((*db)->CheckIntegrity().ok());
}

TEST_F(RegistrationServerTest, RetriedAddAfterRestartCreatesNothingTwice) {
  const std::string event_id = CreateEvent(0);
  auto request = AddRequest(event_id, 1);
  request.set_request_id("req-add-1");
  v1::AddParticipantResponse first;
  {
    auto context = NewCallContext();
    ASSERT_TRUE(stub_->AddParticipant(context.get(), request, &first).ok());
  }
  Restart(SIGKILL);
  v1::AddParticipantResponse second;
  auto context = NewCallContext();
  ASSERT_TRUE(stub_->AddParticipant(context.get(), request, &second).ok());
  EXPECT_EQ(first.participant().id(), second.participant().id());
  EXPECT_EQ(ListAll(event_id).size(), 1u);
}

TEST_F(RegistrationServerTest, BadInputNamesTheFieldAndUnknownIdsAreNotFound) {
  const std::string event_id = CreateEvent(10);
  {
    auto request = AddRequest(event_id, 1);
    request.mutable_participant()->set_email("not-an-email");
    v1::AddParticipantResponse response;
    auto context = NewCallContext();
    EXPECT_THAT(stub_->AddParticipant(context.get(), request, &response),
                GrpcStatusIs(grpc::StatusCode::INVALID_ARGUMENT, HasSubstr("email")));
  }
  {
    auto request = AddRequest(event_id, 2);
    request.mutable_participant()->set_country("Atlantis");
    v1::AddParticipantResponse response;
    auto context = NewCallContext();
    EXPECT_THAT(stub_->AddParticipant(context.get(), request, &response),
                GrpcStatusIs(grpc::StatusCode::INVALID_ARGUMENT, HasSubstr("country")));
  }
  {
    v1::CreateEventRequest request;
    request.mutable_event()->set_title("Webinar");
    request.mutable_event()->set_time_zone("Asia/Almaty");
    request.mutable_event()->set_start_date("2020-06-26");
    request.mutable_event()->set_end_date("2020-06-25");
    v1::CreateEventResponse response;
    auto context = NewCallContext();
    EXPECT_THAT(stub_->CreateEvent(context.get(), request, &response),
                GrpcStatusIs(grpc::StatusCode::INVALID_ARGUMENT, HasSubstr("end_date")));
  }
  {
    v1::GetParticipantRequest request;
    request.set_participant_id("par_000000000000");
    v1::GetParticipantResponse response;
    auto context = NewCallContext();
    EXPECT_THAT(stub_->GetParticipant(context.get(), request, &response),
                GrpcStatusIs(grpc::StatusCode::NOT_FOUND, HasSubstr("par_000000000000")));
  }
  {
    auto request = AddRequest("evt_000000000000", 3);
    v1::AddParticipantResponse response;
    auto context = NewCallContext();
    EXPECT_THAT(stub_->AddParticipant(context.get(), request, &response),
                GrpcStatusIs(grpc::StatusCode::NOT_FOUND, HasSubstr("evt_000000000000")));
  }
  {
    auto request = AddRequest(event_id, 4);
    v1::AddParticipantResponse response;
    auto context = NewCallContext();
    ASSERT_TRUE(stub_->AddParticipant(context.get(), request, &response).ok());
    request.mutable_participant()->set_email("P4@EXAMPLE.ORG");
    auto again = NewCallContext();
    EXPECT_THAT(stub_->AddParticipant(again.get(), request, &response),
                GrpcStatusIs(grpc::StatusCode::ALREADY_EXISTS, HasSubstr("Participant 4")));
  }
}

TEST_F(RegistrationServerTest, FiveThousandRowImport) {
  const std::string event_id = CreateEvent(4000);
  v1::ImportParticipantsRequest request;
  request.set_event_id(event_id);
  for (const char* column :
       {"name", "email", "country", "organization", "sector", "gender", "role", "region"}) {
    request.add_header(column);
  }
  const char* countries[] = {"Viet Nam",  "Lao PDR",  "Timor-Leste", "MY",
                             "Indonesia", "Thailand", "Philippines", "Cambodia"};
  for (int i = 0; i < 5000; ++i) {
    v1::ImportRow* row = request.add_rows();
    row->set_line(i + 2);
    for (std::string cell :
         {absl::StrCat("Nguyễn Thị Hoa ", i), absl::StrCat("hoa", i, "@example.org"),
          std::string(countries[i % 8]), std::string("Towards Transparency"),
          std::string(i % 3 ? "civil society" : "government"), std::string(i % 2 ? "F" : "M"),
          std::string("participant"), std::string("ASEAN")}) {
      row->add_cells(cell);
    }
  }
  request.set_request_id("import-5000");
  v1::ImportParticipantsResponse response;
  const absl::Time start = absl::Now();
  auto context = NewCallContext();
  grpc::Status status = stub_->ImportParticipants(context.get(), request, &response);
  const absl::Duration took = absl::Now() - start;
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(response.errors_size(), 0) << response.errors(0).reason();
  EXPECT_EQ(response.participants_size(), 5000);
  EXPECT_EQ(response.confirmed_count(), 4000);
  EXPECT_EQ(response.waitlisted_count(), 1000);
  EXPECT_EQ(response.participants(1).country(), "LA");
  EXPECT_EQ(response.participants(1).attributes().at("region"), "ASEAN");
  RecordProperty("import_5000_ms", absl::StrCat(absl::ToInt64Milliseconds(took)));
  std::cout << "5,000-row import over gRPC took " << absl::FormatDuration(took) << "\n";
  EXPECT_EQ(ListAll(event_id).size(), 5000u);
}

TEST_F(RegistrationServerTest, SigtermStopsCleanly) {
  // An idle connection from a client that just made a call must not hold the
  // shutdown up.
  CreateEvent(5);
  const absl::Time start = absl::Now();
  const int status = server_->Stop(SIGTERM);
  const absl::Duration took = absl::Now() - start;
  std::cout << "SIGTERM to exit: " << absl::FormatDuration(took) << "\n";
  // Far below the 5 s drain deadline: with nothing in flight there is nothing
  // to wait for.
  EXPECT_LT(took, absl::Seconds(3));
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
  server_.reset();
}

// SIGTERM while a large import is in flight: health turns NOT_SERVING first, new calls are refused,
// the import in flight finishes and is answered, and the process exits 0 within the drain deadline;
// after a restart every row the answer acknowledged is there.
TEST_F(RegistrationServerTest, SigtermDrainsTheCallsInFlight) {
  // A drain deadline the import fits in even on a loaded machine.
  constexpr int kDrainSeconds = 30;
  server_->Stop(SIGTERM);
  server_.reset();
  Start(0, {absl::StrCat("--drain_seconds=", kDrainSeconds)});
  const std::string event_id = CreateEvent(100000);
  v1::ImportParticipantsRequest request;
  request.set_event_id(event_id);
  for (const char* column : {"name", "email", "country"}) request.add_header(column);
  constexpr int kRows = 20000;
  for (int i = 0; i < kRows; ++i) {
    v1::ImportRow* row = request.add_rows();
    row->set_line(i + 2);
    row->add_cells(absl::StrCat("Delegate ", i));
    row->add_cells(absl::StrCat("delegate", i, "@example.org"));
    row->add_cells("Uzbekistan");
  }
  v1::ImportParticipantsResponse imported;
  grpc::Status import_status;
  absl::Time import_done;
  const pid_t pid = server_->pid();
  // Connected before the signal, so that the first check after it goes out at once.
  auto health = grpc::health::v1::Health::NewStub(MakeChannel(server_->address()));
  {
    auto context = NewCallContext(absl::Seconds(5));
    grpc::health::v1::HealthCheckResponse serving;
    ASSERT_TRUE(health->Check(context.get(), {}, &serving).ok());
    ASSERT_EQ(serving.status(), grpc::health::v1::HealthCheckResponse::SERVING);
  }
  // The database's write lock, held from here: the import, once it has arrived, waits for it
  // inside the service (SQLite's busy timeout, 5 s), certainly in flight when SIGTERM comes,
  // however fast or slow the build and the machine.
  auto blocker = sqlite::Database::Open({.path = data_dir_ + "/registration.db"});
  ASSERT_TRUE(blocker.ok()) << blocker.status();
  ASSERT_TRUE((*blocker)->Execute("BEGIN IMMEDIATE").ok());
  // The request arrives, is checked, and the import waits for the lock: one of the service's
  // threads then sleeps in SQLite's busy handler (nanosleep), which no thread of it did before
  // (a sanitizer's own background thread may: those seen before the import are left out).
  auto sleeping_threads = [pid] {
    std::set<std::string> sleeping;
    std::error_code error;
    for (const auto& task :
         std::filesystem::directory_iterator(absl::StrCat("/proc/", pid, "/task"), error)) {
      std::ifstream syscall(task.path() / "syscall");
      std::string number;
      if (syscall >> number && (number == "35" || number == "230")) {
        sleeping.insert(task.path().filename());
      }
    }
    return sleeping;
  };
  std::set<std::string> sleeping_before;
  for (int i = 0; i < 50; ++i) {
    for (const std::string& tid : sleeping_threads()) sleeping_before.insert(tid);
    absl::SleepFor(absl::Milliseconds(5));
  }
  std::atomic<bool> answered{false};
  std::thread import([&] {
    auto context = NewCallContext(absl::Seconds(60));
    import_status = stub_->ImportParticipants(context.get(), request, &imported);
    import_done = absl::Now();
    answered = true;
  });
  auto waits_for_lock = [&] {
    for (const std::string& tid : sleeping_threads()) {
      if (!sleeping_before.count(tid)) return true;
    }
    return false;
  };
  bool waiting = false;
  for (int i = 0; i < 6000 && !(waiting = waits_for_lock()); ++i) {
    absl::SleepFor(absl::Milliseconds(10));
  }
  EXPECT_TRUE(waiting) << "the import never reached the database";
  const absl::Time signalled = absl::Now();
  ASSERT_EQ(kill(pid, SIGTERM), 0);

  // Health says NOT_SERVING while the import drains, and a new call is refused.
  grpc::health::v1::HealthCheckResponse serving;
  bool saw_not_serving = false;
  for (int i = 0; i < 50 && !saw_not_serving; ++i) {
    auto context = NewCallContext(absl::Milliseconds(500));
    grpc::health::v1::HealthCheckRequest check;
    if (health->Check(context.get(), check, &serving).ok() &&
        serving.status() == grpc::health::v1::HealthCheckResponse::NOT_SERVING) {
      saw_not_serving = true;
    } else {
      absl::SleepFor(absl::Milliseconds(10));
    }
  }
  EXPECT_TRUE(saw_not_serving) << "health never said NOT_SERVING during the drain";
  v1::GetEventRequest get;
  get.set_event_id(event_id);
  v1::GetEventResponse got;
  auto late = NewCallContext(absl::Seconds(2));
  const grpc::Status refused = stub_->GetEvent(late.get(), get, &got);
  EXPECT_FALSE(refused.ok()) << "a call made after SIGTERM was served";
  EXPECT_FALSE(answered.load()) << "the import was answered before the lock was released";

  ASSERT_TRUE((*blocker)->Execute("ROLLBACK").ok());  // the import goes on, and is answered
  import.join();
  ASSERT_TRUE(import_status.ok()) << import_status.error_message();
  EXPECT_EQ(imported.participants_size(), kRows);
  const int status = server_->Stop(0);  // already exiting: just wait for it
  const absl::Duration took = absl::Now() - signalled;
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
  EXPECT_LT(took, absl::Seconds(kDrainSeconds)) << "longer than the drain deadline";
  std::cout << "import answered " << absl::FormatDuration(import_done - signalled)
            << " after SIGTERM; process gone after " << absl::FormatDuration(took) << "\n";
  server_.reset();
  Start();
  EXPECT_EQ(ListAll(event_id).size(), static_cast<size_t>(kRows));
}

}  // namespace
}  // namespace convene
