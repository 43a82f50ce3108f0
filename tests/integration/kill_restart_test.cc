// Kill -9 during a load of writes, ten times over, for every service that writes (issue 7, "Faults
// survived, nothing lost"). Two client threads write without pause while the test kills the
// service with SIGKILL at a random moment, checks its SQLite file with PRAGMA integrity_check
// (opened read-only, before the service comes back), and starts it again on the same port and
// data. A client retries each write, with the same request_id where the API has one, until it is
// answered. Afterwards every acknowledged write must be stored, none twice.
//
// What makes a retry safe differs per write:
//   registration  AddParticipant, ImportParticipants: request_id (a retry replays the first
//   answer);
//                 CheckInParticipant: a second check-in on the same day is a no-op.
//   agenda        AddSession: request_id; SetRoom: sets the room to the same value again.
//   grouping      MakePlan: request_id; MoveMember: moves to the same group again; PublishPlan: a
//                 published plan stays published.
//   survey        SubmitResponse: the token is single-use, so a retry of a stored response is
//                 ALREADY_EXISTS; ImportResponses: request_id.
//
// The figures (kills, writes acknowledged and checked, calls retried) are printed and recorded as
// test properties; docs/faults.md keeps a table of them.
#include <gmock/gmock.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sqlite3.h>

#include <algorithm>
#include <atomic>
#include <functional>
#include <iostream>
#include <map>
#include <mutex>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "convene/agenda/v1/agenda_service.grpc.pb.h"
#include "convene/grouping/v1/grouping_service.grpc.pb.h"
#include "convene/registration/v1/registration_service.grpc.pb.h"
#include "convene/survey/v1/survey_service.grpc.pb.h"
#include "services/common/auth.h"
#include "services/common/client.h"
#include "services/common/testing/process.h"

namespace convene {
namespace {

namespace ag = ::convene::agenda::v1;
namespace gr = ::convene::grouping::v1;
namespace reg = ::convene::registration::v1;
namespace sv = ::convene::survey::v1;
using ::convene::testing::ServiceProcess;

constexpr int kKills = 10;
constexpr int kWriters = 2;
// Acknowledged writes between two kills, at least: the kill lands in a stream of writes.
constexpr int kWritesBeforeKill = 5;

// A channel of its own (not sharing gRPC's global pool of connections, whose reconnection backoff
// grows to seconds while the server is down), quick to reconnect.
std::shared_ptr<grpc::Channel> QuickChannel(const std::string& address) {
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(kMaxMessageBytes);
  args.SetMaxSendMessageSize(kMaxMessageBytes);
  args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 20);
  args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 100);
  return grpc::CreateCustomChannel(address, grpc::InsecureChannelCredentials(), args);
}

// The call may or may not have been carried out: the server was killed under it, was not up yet,
// or was busy. Anything else is an answer.
bool Unanswered(const grpc::Status& status) {
  return status.error_code() == grpc::StatusCode::UNAVAILABLE ||
         status.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED ||
         status.error_code() == grpc::StatusCode::CANCELLED;
}

// For the calls that read back what was stored, once the service is up again: they wait for the
// channel to reconnect instead of failing while it backs off.
std::unique_ptr<grpc::ClientContext> ReadBackContext() {
  auto context = NewCallContext(absl::Seconds(30));
  context->set_wait_for_ready(true);
  return context;
}

// PRAGMA integrity_check on a connection opened read-only: "ok", or SQLite's report.
std::string IntegrityCheck(const std::string& path) {
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    std::string error = absl::StrCat("cannot open ", path, ": ", sqlite3_errmsg(db));
    sqlite3_close(db);
    return error;
  }
  std::string report;
  char* error = nullptr;
  const int rc = sqlite3_exec(
      db, "PRAGMA integrity_check",
      [](void* out, int, char** values, char**) {
        auto* text = static_cast<std::string*>(out);
        if (!text->empty()) text->append("; ");
        text->append(values[0] ? values[0] : "NULL");
        return 0;
      },
      &report, &error);
  if (rc != SQLITE_OK) report = absl::StrCat("integrity_check failed: ", error ? error : "?");
  sqlite3_free(error);
  sqlite3_close(db);
  return report;
}

// What one service's run measured.
struct Figures {
  int kills = 0;
  int integrity_checks = 0;
  int acknowledged = 0;  // writes answered OK (or ALREADY_EXISTS for a retried submission)
  int retried = 0;       // attempts that went unanswered and were made again
  int cut = 0;           // calls cut by a kill while in flight (stored or not), then retried
  int replayed = 0;      // retries answered with the stored first answer (request_id, token)
  int checked = 0;       // stored items compared with what was acknowledged
};

class KillRestartTest : public ::testing::Test {
 protected:
  void SetUp() override {
    data_dir_ = testing::MakeTempDir("kill");
    const unsigned seed = static_cast<unsigned>(absl::ToUnixNanos(absl::Now()));
    random_.seed(seed);
    RecordProperty("seed", absl::StrCat(seed));
    std::cout << "kill moments drawn with seed " << seed << "\n";
    auto registration = ServiceProcess::Start("convene-registration", data_dir_ + "/registration");
    ASSERT_TRUE(registration.ok()) << registration.status();
    registration_.emplace(std::move(registration).value());
    registration_stub_ = reg::RegistrationService::NewStub(QuickChannel(registration_->address()));
  }

  // Starts the service under test (registration itself, or one that calls it).
  void StartTarget(const std::string& binary, const std::string& db_file) {
    binary_ = binary;
    target_dir_ = data_dir_ + "/" + binary.substr(binary.find('-') + 1);
    db_path_ = target_dir_ + "/" + db_file;
    if (binary == "convene-registration") {
      target_ = &*registration_;
    } else {
      auto process = ServiceProcess::Start(binary, target_dir_, Flags());
      ASSERT_TRUE(process.ok()) << process.status();
      own_target_.emplace(std::move(process).value());
      target_ = &*own_target_;
    }
    target_address_ = target_->address();
  }

  std::vector<std::string> Flags() const {
    if (binary_ == "convene-registration") return {};
    return {"--registration_addr=" + registration_->address()};
  }

  // The same across restarts (same port); read by the writers while *target_ is replaced.
  const std::string& target_address() const { return target_address_; }

  // Calls `call` with a fresh context until it is answered, for up to 60 s, giving `stub` a new
  // channel after each unanswered attempt (so that the next one connects at once); counts the
  // unanswered attempts.
  template <typename Stub, typename Call>
  grpc::Status UntilAnswered(std::unique_ptr<Stub>& stub, Call call, int* unanswered = nullptr) {
    const absl::Time give_up = absl::Now() + absl::Seconds(60);
    bool cut = false;
    while (true) {
      answering_attempt_start = absl::Now();
      grpc::ClientContext context;
      context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(10)));
      AddCredential(context, CallCredential());
      grpc::Status status = call(&context);
      if (!Unanswered(status) || absl::Now() > give_up) {
        if (cut) ++cut_;
        return status;
      }
      // Refused connections never reached the server; anything else was cut while in flight.
      if (!absl::StrContains(status.error_message(), "Connection refused")) cut = true;
      ++retried_;
      if (unanswered != nullptr) ++*unanswered;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
      stub = std::make_unique<Stub>(QuickChannel(target_address()));
    }
  }

  void Acknowledge() { ++acknowledged_; }

  // Counts a write whose answer was created before the attempt that received it: the first
  // attempt was stored, its answer lost to a kill, and the retry answered from the request log.
  void NoteIfReplayed(const google::protobuf::Timestamp& created) {
    if (absl::FromUnixSeconds(created.seconds()) + absl::Nanoseconds(created.nanos()) <
        answering_attempt_start) {
      ++replayed_;
    }
  }

  // Runs `write(writer, n)` for n = 0, 1, ... on kWriters threads while the service is killed
  // kKills times, each time once at least kWritesBeforeKill more writes were acknowledged and a
  // random 0-250 ms later. After each kill, before the restart, the database must pass the
  // integrity check. Returns once every writer has finished its last write.
  Figures RunUnderKills(const std::function<void(int writer, int n)>& write) {
    Figures figures;
    absl::Duration down;
    std::atomic<bool> stop{false};
    std::vector<std::thread> writers;
    for (int w = 0; w < kWriters; ++w) {
      writers.emplace_back([&, w] {
        for (int n = 0; !stop && !HasFailure(); ++n) write(w, n);
      });
    }
    for (int kill = 0; kill < kKills; ++kill) {
      const int before = acknowledged_;
      const absl::Time give_up = absl::Now() + absl::Seconds(20);
      while (acknowledged_ < before + kWritesBeforeKill && absl::Now() < give_up && !HasFailure()) {
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
      }
      if (acknowledged_ < before + kWritesBeforeKill) {
        ADD_FAILURE() << binary_ << ": no writes were acknowledged after restart " << kill;
        break;
      }
      std::this_thread::sleep_for(
          std::chrono::milliseconds(std::uniform_int_distribution<int>(0, 250)(random_)));
      const absl::Time kill_time = absl::Now();
      const int port = target_->port();
      target_->Stop(SIGKILL);
      ++figures.kills;
      const std::string integrity = IntegrityCheck(db_path_);
      EXPECT_EQ(integrity, "ok") << binary_ << " after kill " << kill + 1;
      ++figures.integrity_checks;
      auto process = ServiceProcess::Start(binary_, target_dir_, Flags(), port);
      if (!process.ok()) {
        ADD_FAILURE() << binary_ << " did not come back: " << process.status();
        break;
      }
      *target_ = std::move(process).value();
      down += absl::Now() - kill_time;
    }
    stop = true;
    for (std::thread& t : writers) t.join();
    std::cout << binary_ << " was down " << absl::FormatDuration(down / std::max(1, figures.kills))
              << " per kill on average (kill, integrity check, restart)\n";
    figures.acknowledged = acknowledged_;
    figures.retried = retried_;
    figures.cut = cut_;
    figures.replayed = replayed_;
    return figures;
  }

  void Report(const std::string& service, const Figures& figures) {
    std::cout << absl::StrFormat(
        "%s: %d kills survived, %d integrity checks ok, %d writes acknowledged (%d cut in flight "
        "by a kill and retried, %d of them already stored and answered as such), %d attempts "
        "retried, %d stored items checked\n",
        service, figures.kills, figures.integrity_checks, figures.acknowledged, figures.cut,
        figures.replayed, figures.retried, figures.checked);
    RecordProperty("kills", figures.kills);
    RecordProperty("writes_acknowledged", figures.acknowledged);
    RecordProperty("attempts_retried", figures.retried);
    RecordProperty("writes_cut_in_flight", figures.cut);
    RecordProperty("retries_answered_as_already_stored", figures.replayed);
    RecordProperty("items_checked", figures.checked);
    EXPECT_EQ(figures.kills, kKills);
    EXPECT_EQ(figures.integrity_checks, kKills);
  }

  std::string CreateEvent() {
    reg::CreateEventRequest request;
    reg::Event* event = request.mutable_event();
    event->set_title("Regional dialogue on corruption and human rights");
    event->set_time_zone("Asia/Kuala_Lumpur");
    event->set_start_date("2024-10-01");
    event->set_end_date("2024-10-02");
    reg::CreateEventResponse response;
    auto context = NewCallContext();
    grpc::Status status = registration_stub_->CreateEvent(context.get(), request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response.event().id();
  }

  // Imports `n` participants into `event_id`; returns their ids in order.
  std::vector<std::string> ImportPeople(const std::string& event_id, int n) {
    reg::ImportParticipantsRequest request;
    request.set_event_id(event_id);
    for (const char* column : {"name", "email", "country", "sector", "gender"}) {
      request.add_header(column);
    }
    const char* countries[] = {"MY", "ID", "TH", "PH", "VN", "KH", "LA", "TL"};
    for (int i = 0; i < n; ++i) {
      reg::ImportRow* row = request.add_rows();
      row->set_line(i + 2);
      for (std::string cell :
           {absl::StrCat("Person ", i), absl::StrCat("person", i, "@example.org"),
            std::string(countries[i % 8]), std::string(i % 3 ? "civil society" : "government"),
            std::string(i % 2 ? "female" : "male")}) {
        row->add_cells(cell);
      }
    }
    reg::ImportParticipantsResponse response;
    auto context = NewCallContext(absl::Seconds(30));
    grpc::Status status = registration_stub_->ImportParticipants(context.get(), request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    std::vector<std::string> ids;
    for (const reg::Participant& p : response.participants()) ids.push_back(p.id());
    return ids;
  }

  std::string data_dir_;
  std::mt19937 random_;
  std::optional<ServiceProcess> registration_;
  std::unique_ptr<reg::RegistrationService::Stub> registration_stub_;
  std::optional<ServiceProcess> own_target_;
  ServiceProcess* target_ = nullptr;
  std::string binary_, target_dir_, db_path_, target_address_;
  std::atomic<int> acknowledged_{0};
  std::atomic<int> retried_{0};
  std::atomic<int> cut_{0};
  std::atomic<int> replayed_{0};
  // When the attempt that was answered last on this thread started.
  static thread_local absl::Time answering_attempt_start;
};

thread_local absl::Time KillRestartTest::answering_attempt_start;

// --- registration ----------------------------------------------------------------------------

TEST_F(KillRestartTest, Registration) {
  StartTarget("convene-registration", "registration.db");
  const std::string event_id = CreateEvent();
  std::mutex mu;
  std::map<std::string, std::string> acked;            // email -> participant id
  std::set<std::pair<std::string, std::string>> days;  // (participant id, day) checked in
  std::vector<std::string> last_added(kWriters);
  int adds = 0, imports = 0, check_ins = 0;

  Figures figures = RunUnderKills([&](int w, int n) {
    auto stub = reg::RegistrationService::NewStub(QuickChannel(target_address()));
    const std::string tag = absl::StrCat("w", w, "n", n);
    if (n % 5 == 0) {  // an import of four rows
      reg::ImportParticipantsRequest request;
      request.set_event_id(event_id);
      request.set_request_id("import-" + tag);
      for (const char* column : {"name", "email", "country"}) request.add_header(column);
      for (int r = 0; r < 4; ++r) {
        reg::ImportRow* row = request.add_rows();
        row->set_line(r + 2);
        row->add_cells(absl::StrCat("Imported ", tag, "r", r));
        row->add_cells(absl::StrCat(tag, "r", r, "@example.org"));
        row->add_cells(r % 2 ? "Viet Nam" : "KZ");
      }
      reg::ImportParticipantsResponse response;
      grpc::Status status = UntilAnswered(stub, [&](grpc::ClientContext* context) {
        response.Clear();
        return stub->ImportParticipants(context, request, &response);
      });
      ASSERT_TRUE(status.ok()) << tag << ": " << status.error_message();
      ASSERT_EQ(response.participants_size(), 4) << tag;
      std::lock_guard<std::mutex> lock(mu);
      NoteIfReplayed(response.participants(0).create_time());
      for (const reg::Participant& p : response.participants()) acked[p.email()] = p.id();
      ++imports;
    } else if (n % 5 == 4) {  // checks in the participant this writer added last
      reg::CheckInParticipantRequest request;
      request.set_participant_id(last_added[w]);
      request.set_day(n % 2 ? "2024-10-01" : "2024-10-02");
      reg::CheckInParticipantResponse response;
      grpc::Status status = UntilAnswered(stub, [&](grpc::ClientContext* context) {
        return stub->CheckInParticipant(context, request, &response);
      });
      ASSERT_TRUE(status.ok()) << tag << ": " << status.error_message();
      std::lock_guard<std::mutex> lock(mu);
      days.emplace(request.participant_id(), request.day());
      ++check_ins;
    } else {
      reg::AddParticipantRequest request;
      request.set_request_id("add-" + tag);
      reg::Participant* p = request.mutable_participant();
      p->set_event_id(event_id);
      p->set_name(absl::StrCat("Added ", tag));
      p->set_email(absl::StrCat(tag, "@example.org"));
      p->set_country(n % 2 ? "TH" : "Lao PDR");
      reg::AddParticipantResponse response;
      grpc::Status status = UntilAnswered(stub, [&](grpc::ClientContext* context) {
        return stub->AddParticipant(context, request, &response);
      });
      // ALREADY_EXISTS here would mean that a retry of a stored add was not recognised by its
      // request_id.
      ASSERT_TRUE(status.ok()) << tag << ": " << status.error_message();
      std::lock_guard<std::mutex> lock(mu);
      NoteIfReplayed(response.participant().create_time());
      acked[response.participant().email()] = response.participant().id();
      last_added[w] = response.participant().id();
      ++adds;
    }
    Acknowledge();
  });

  // Every acknowledged participant once, with the id it was acknowledged with, and nobody else.
  std::map<std::string, std::vector<reg::Participant>> stored;  // email -> participants
  reg::ListParticipantsRequest list;
  list.set_event_id(event_id);
  list.set_page_size(1000);
  int listed = 0;
  do {
    reg::ListParticipantsResponse page;
    auto context = ReadBackContext();
    grpc::Status status = registration_stub_->ListParticipants(context.get(), list, &page);
    ASSERT_TRUE(status.ok()) << status.error_message();
    for (const reg::Participant& p : page.participants()) {
      stored[p.email()].push_back(p);
      ++listed;
    }
    list.set_page_token(page.next_page_token());
  } while (!list.page_token().empty());
  EXPECT_EQ(listed, static_cast<int>(acked.size()));
  std::map<std::string, const reg::Participant*> by_id;
  for (const auto& [email, id] : acked) {
    auto it = stored.find(email);
    ASSERT_NE(it, stored.end()) << "acknowledged " << email << " (" << id << ") was lost";
    ASSERT_EQ(it->second.size(), 1u) << email << " is stored " << it->second.size() << " times";
    EXPECT_EQ(it->second[0].id(), id);
    by_id[id] = &it->second[0];
    ++figures.checked;
  }
  for (const auto& [id, day] : days) {
    const reg::Participant& p = *by_id.at(id);
    std::set<std::string> distinct(p.check_in_days().begin(), p.check_in_days().end());
    EXPECT_TRUE(distinct.count(day)) << id << " lost its check-in on " << day;
    EXPECT_EQ(distinct.size(), static_cast<size_t>(p.check_in_days_size())) << id;
    ++figures.checked;
  }
  std::cout << "registration writes: " << adds << " adds, " << imports << " imports of 4 rows, "
            << check_ins << " check-ins\n";
  Report("registration", figures);
}

// --- agenda ----------------------------------------------------------------------------------

TEST_F(KillRestartTest, Agenda) {
  const std::string event_id = CreateEvent();
  StartTarget("convene-agenda", "agenda.db");
  std::mutex mu;
  std::map<std::string, std::string> sessions;  // title -> session id
  std::map<std::string, int> rooms;             // room name -> capacity

  Figures figures = RunUnderKills([&](int w, int n) {
    auto stub = ag::AgendaService::NewStub(QuickChannel(target_address()));
    const std::string tag = absl::StrCat("w", w, "n", n);
    if (n % 6 == 5) {
      ag::SetRoomRequest request;
      request.mutable_room()->set_event_id(event_id);
      request.mutable_room()->set_name("Room " + tag);
      request.mutable_room()->set_capacity(10 + n);
      ag::SetRoomResponse response;
      grpc::Status status = UntilAnswered(stub, [&](grpc::ClientContext* context) {
        return stub->SetRoom(context, request, &response);
      });
      ASSERT_TRUE(status.ok()) << tag << ": " << status.error_message();
      std::lock_guard<std::mutex> lock(mu);
      rooms[request.room().name()] = request.room().capacity();
    } else {
      ag::AddSessionRequest request;
      request.set_request_id("session-" + tag);
      ag::Session* s = request.mutable_session();
      s->set_event_id(event_id);
      s->set_title("Session " + tag);
      s->set_kind(ag::SESSION_KIND_PRESENTATION);
      // Online sessions without speakers hold no room and no person, so they never clash.
      s->set_start(absl::StrFormat("2024-10-0%dT%02d:00", 1 + n % 2, 8 + n % 10));
      s->set_end(absl::StrFormat("2024-10-0%dT%02d:30", 1 + n % 2, 8 + n % 10));
      ag::AddSessionResponse response;
      grpc::Status status = UntilAnswered(stub, [&](grpc::ClientContext* context) {
        return stub->AddSession(context, request, &response);
      });
      ASSERT_TRUE(status.ok()) << tag << ": " << status.error_message();
      std::lock_guard<std::mutex> lock(mu);
      NoteIfReplayed(response.session().create_time());
      sessions[response.session().title()] = response.session().id();
    }
    Acknowledge();
  });

  auto stub = ag::AgendaService::NewStub(QuickChannel(target_address()));
  ag::ListSessionsRequest list;
  list.set_event_id(event_id);
  ag::ListSessionsResponse listed;
  auto context = ReadBackContext();
  grpc::Status status = stub->ListSessions(context.get(), list, &listed);
  ASSERT_TRUE(status.ok()) << status.error_message();
  std::map<std::string, std::vector<std::string>> stored;  // title -> ids
  for (const ag::Session& s : listed.sessions()) stored[s.title()].push_back(s.id());
  EXPECT_EQ(listed.sessions_size(), static_cast<int>(sessions.size()));
  for (const auto& [title, id] : sessions) {
    auto it = stored.find(title);
    ASSERT_NE(it, stored.end()) << "acknowledged session " << title << " was lost";
    ASSERT_EQ(it->second.size(), 1u) << title << " is stored " << it->second.size() << " times";
    EXPECT_EQ(it->second[0], id);
    ++figures.checked;
  }
  ag::ListRoomsRequest room_list;
  room_list.set_event_id(event_id);
  ag::ListRoomsResponse room_listed;
  auto room_context = ReadBackContext();
  ASSERT_TRUE(stub->ListRooms(room_context.get(), room_list, &room_listed).ok());
  std::map<std::string, int> stored_rooms;
  for (const ag::Room& room : room_listed.rooms()) {
    EXPECT_TRUE(stored_rooms.emplace(room.name(), room.capacity()).second) << room.name();
  }
  EXPECT_EQ(stored_rooms, rooms);
  figures.checked += static_cast<int>(rooms.size());
  Report("agenda", figures);
}

// --- grouping --------------------------------------------------------------------------------

TEST_F(KillRestartTest, Grouping) {
  const std::string event_id = CreateEvent();
  ASSERT_EQ(ImportPeople(event_id, 12).size(), 12u);
  StartTarget("convene-grouping", "grouping.db");
  std::mutex mu;
  std::set<std::string> plans;               // acknowledged plan ids
  std::map<std::string, std::string> moved;  // plan id -> participant moved to group 2
  std::set<std::string> published;           // plan ids

  Figures figures = RunUnderKills([&](int w, int n) {
    auto stub = gr::GroupingService::NewStub(QuickChannel(target_address()));
    const std::string tag = absl::StrCat("w", w, "n", n);
    gr::MakePlanRequest request;
    request.set_request_id("plan-" + tag);
    gr::PlanSpec* spec = request.mutable_spec();
    spec->set_event_id(event_id);
    spec->set_group_count(3);
    spec->set_seed(1 + n);
    gr::MakePlanResponse made;
    grpc::Status status = UntilAnswered(stub, [&](grpc::ClientContext* context) {
      return stub->MakePlan(context, request, &made);
    });
    ASSERT_TRUE(status.ok()) << tag << ": " << status.error_message();
    const std::string plan_id = made.plan().id();
    {
      std::lock_guard<std::mutex> lock(mu);
      NoteIfReplayed(made.plan().create_time());
      plans.insert(plan_id);
    }
    Acknowledge();
    if (n % 3 == 1) {  // moves the first member of group 1 to group 2
      gr::MoveMemberRequest move;
      move.set_plan_id(plan_id);
      move.set_round(1);
      move.set_participant_id(made.plan().rounds(0).groups(0).members(0).participant_id());
      move.set_to_group(2);
      gr::MoveMemberResponse response;
      status = UntilAnswered(stub, [&](grpc::ClientContext* context) {
        return stub->MoveMember(context, move, &response);
      });
      ASSERT_TRUE(status.ok()) << tag << ": " << status.error_message();
      std::lock_guard<std::mutex> lock(mu);
      moved[plan_id] = move.participant_id();
      Acknowledge();
    } else if (n % 3 == 2) {
      gr::PublishPlanRequest publish;
      publish.set_plan_id(plan_id);
      gr::PublishPlanResponse response;
      status = UntilAnswered(stub, [&](grpc::ClientContext* context) {
        return stub->PublishPlan(context, publish, &response);
      });
      ASSERT_TRUE(status.ok()) << tag << ": " << status.error_message();
      std::lock_guard<std::mutex> lock(mu);
      published.insert(plan_id);
      Acknowledge();
    }
  });

  auto stub = gr::GroupingService::NewStub(QuickChannel(target_address()));
  gr::ListPlansRequest list;
  list.set_event_id(event_id);
  gr::ListPlansResponse listed;
  auto context = ReadBackContext();
  grpc::Status status = stub->ListPlans(context.get(), list, &listed);
  ASSERT_TRUE(status.ok()) << status.error_message();
  // One stored plan per acknowledged MakePlan: a retry that made a second plan would show here.
  EXPECT_EQ(listed.plans_size(), static_cast<int>(plans.size()));
  std::set<std::string> seen;
  for (const gr::GroupPlan& plan : listed.plans()) {
    EXPECT_TRUE(seen.insert(plan.id()).second) << plan.id() << " is listed twice";
    EXPECT_TRUE(plans.count(plan.id())) << plan.id() << " was never acknowledged";
    EXPECT_EQ(plan.published(), published.count(plan.id()) == 1) << plan.id();
    if (auto it = moved.find(plan.id()); it != moved.end()) {
      int group = 0;
      for (const gr::Group& g : plan.rounds(0).groups()) {
        for (const gr::Member& m : g.members()) {
          if (m.participant_id() == it->second) group = g.number();
        }
      }
      EXPECT_EQ(group, 2) << "the move of " << it->second << " in " << plan.id() << " was lost";
    }
    ++figures.checked;
  }
  for (const std::string& id : plans) EXPECT_TRUE(seen.count(id)) << "plan " << id << " was lost";
  Report("grouping", figures);
}

// --- survey ----------------------------------------------------------------------------------

TEST_F(KillRestartTest, Survey) {
  const std::string event_id = CreateEvent();
  constexpr int kPeople = 3000;
  ASSERT_EQ(ImportPeople(event_id, kPeople).size(), static_cast<size_t>(kPeople));
  StartTarget("convene-survey", "survey.db");
  auto setup = sv::SurveyService::NewStub(QuickChannel(target_address()));

  // Identified (not anonymous), so that each stored response names its respondent.
  sv::CreateSurveyRequest create;
  sv::Survey* survey = create.mutable_survey();
  survey->set_event_id(event_id);
  survey->set_title("Workshop evaluation");
  sv::Question* overall = survey->add_questions();
  overall->set_key("overall");
  overall->set_text("Overall satisfaction");
  overall->set_required(true);
  overall->mutable_likert()->set_points(5);
  sv::Question* note = survey->add_questions();
  note->set_key("note");
  note->set_text("Anything else?");
  note->mutable_free_text();
  sv::CreateSurveyResponse created;
  {
    auto context = ReadBackContext();
    ASSERT_TRUE(setup->CreateSurvey(context.get(), create, &created).ok());
  }
  const std::string survey_id = created.survey().id();
  {
    sv::OpenSurveyRequest open;
    open.set_survey_id(survey_id);
    sv::OpenSurveyResponse opened;
    auto context = ReadBackContext();
    ASSERT_TRUE(setup->OpenSurvey(context.get(), open, &opened).ok());
  }
  sv::IssueTokensResponse issued;
  {
    sv::IssueTokensRequest request;
    request.set_survey_id(survey_id);
    auto context = ReadBackContext();
    ASSERT_TRUE(setup->IssueTokens(context.get(), request, &issued).ok());
  }
  ASSERT_EQ(issued.tokens_size(), kPeople);
  // Each writer has its own tokens: an ALREADY_EXISTS can only be its own earlier submission.
  std::vector<std::vector<sv::Token>> tokens(kWriters);
  for (int i = 0; i < issued.tokens_size(); ++i) tokens[i % kWriters].push_back(issued.tokens(i));

  std::mutex mu;
  std::set<std::string> answered;  // participant ids whose submission is stored
  std::set<std::string> imported;  // "note" texts of imported rows
  std::vector<size_t> next_token(kWriters, 0);
  int submits = 0, imports = 0, lost_acks = 0, refused_replays = 0;

  Figures figures = RunUnderKills([&](int w, int n) {
    auto stub = sv::SurveyService::NewStub(QuickChannel(target_address()));
    const std::string tag = absl::StrCat("w", w, "n", n);
    if (n % 4 == 3 || next_token[w] == tokens[w].size()) {  // an import of three rows
      sv::ImportResponsesRequest request;
      request.set_survey_id(survey_id);
      request.set_request_id("import-" + tag);
      request.add_header("overall");
      request.add_header("note");
      for (int r = 0; r < 3; ++r) {
        sv::ImportRow* row = request.add_rows();
        row->set_line(r + 2);
        row->add_cells(absl::StrCat(1 + r));
        row->add_cells(absl::StrCat("paper form ", tag, "r", r));
      }
      sv::ImportResponsesResponse response;
      grpc::Status status = UntilAnswered(stub, [&](grpc::ClientContext* context) {
        response.Clear();
        return stub->ImportResponses(context, request, &response);
      });
      ASSERT_TRUE(status.ok()) << tag << ": " << status.error_message();
      ASSERT_EQ(response.imported_count(), 3) << tag;
      std::lock_guard<std::mutex> lock(mu);
      for (const sv::ImportRow& row : request.rows()) imported.insert(row.cells(1));
      ++imports;
      Acknowledge();
      return;
    }
    const sv::Token& token = tokens[w][next_token[w]++];
    sv::SubmitResponseRequest request;
    request.set_survey_id(survey_id);
    request.set_token(token.token());
    sv::Answer* a = request.add_answers();
    a->set_question_key("overall");
    a->set_scale(1 + n % 5);
    sv::Answer* b = request.add_answers();
    b->set_question_key("note");
    b->set_text("submitted by " + token.participant_id());
    sv::SubmitResponseResponse response;
    int unanswered = 0;
    grpc::Status status = UntilAnswered(
        stub,
        [&](grpc::ClientContext* context) {
          return stub->SubmitResponse(context, request, &response);
        },
        &unanswered);
    if (status.error_code() == grpc::StatusCode::ALREADY_EXISTS) {
      // Only right when an unanswered attempt was in fact stored (killed before it could answer).
      ASSERT_GT(unanswered, 0) << tag << ": a fresh token was refused: " << status.error_message();
      std::lock_guard<std::mutex> lock(mu);
      ++lost_acks;
      ++replayed_;
    } else {
      ASSERT_TRUE(status.ok()) << tag << ": " << status.error_message();
      ASSERT_EQ(response.response().participant_id(), token.participant_id());
    }
    if (n % 4 == 1) {  // the same submission again, after it was acknowledged: refused
      sv::SubmitResponseResponse again;
      grpc::Status replay = UntilAnswered(stub, [&](grpc::ClientContext* context) {
        return stub->SubmitResponse(context, request, &again);
      });
      ASSERT_EQ(replay.error_code(), grpc::StatusCode::ALREADY_EXISTS)
          << tag << ": a used token was accepted again: " << replay.error_message();
      std::lock_guard<std::mutex> lock(mu);
      ++refused_replays;
    }
    std::lock_guard<std::mutex> lock(mu);
    answered.insert(token.participant_id());
    ++submits;
    Acknowledge();
  });

  // Every response in the stream: each submission once, each imported row once, nothing else.
  std::map<std::string, int> by_participant;
  std::map<std::string, int> by_note;
  sv::StreamResponsesRequest stream;
  stream.set_survey_id(survey_id);
  auto context = ReadBackContext();
  auto reader = setup->StreamResponses(context.get(), stream);
  sv::StreamResponsesResponse page;
  int responses = 0;
  while (reader->Read(&page)) {
    for (const sv::Response& r : page.responses()) {
      ++responses;
      if (r.source() == sv::RESPONSE_SOURCE_TOKEN) {
        ++by_participant[r.participant_id()];
      } else {
        for (const sv::Answer& a : r.answers()) {
          if (a.question_key() == "note") ++by_note[a.text()];
        }
      }
    }
  }
  grpc::Status status = reader->Finish();
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(responses, static_cast<int>(answered.size() + imported.size()));
  EXPECT_EQ(by_participant.size(), answered.size());
  for (const std::string& id : answered) {
    EXPECT_EQ(by_participant[id], 1) << "the response of " << id;
    ++figures.checked;
  }
  EXPECT_EQ(by_note.size(), imported.size());
  for (const std::string& text : imported) {
    EXPECT_EQ(by_note[text], 1) << "the imported row \"" << text << "\"";
    ++figures.checked;
  }
  std::cout << "survey writes: " << submits << " submissions (" << lost_acks
            << " acknowledged only by ALREADY_EXISTS on retry, " << refused_replays
            << " resent after acknowledgement and refused), " << imports << " imports of 3 rows\n";
  RecordProperty("submissions_stored_before_their_answer_was_lost", lost_acks);
  Report("survey", figures);
}

}  // namespace
}  // namespace convene
