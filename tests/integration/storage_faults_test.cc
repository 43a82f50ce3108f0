// A full disk and a read-only file system under a running service (issue 7, "Faults survived").
// The real convene-registration and convene-survey binaries keep their data on a small file system
// of the test's own:
//   - disk full: a tmpfs of 8 MiB, filled with a file until writes are refused; then the file is
//     deleted, and the same process must accept writes again;
//   - read-only: an ext4 image on a loop device mounted errors=remount-ro, which the kernel makes
//     read-only under the service (trigger_fs_error: what it does on a disk error). `mount -o
//     remount,ro` cannot do that: Linux refuses ("busy") while the service holds its database open
//     for writing, which the test shows too. An ext4 made read-only so cannot be made writable
//     again while mounted, so the service is stopped, the file system checked (e2fsck) and mounted
//     again, and the service started on it.
// Where the test may not mount (a container without CAP_SYS_ADMIN, no loop devices) the same
// faults are injected into the service instead (tests/support/storage_fault_preload.cc makes its
// writes fail with ENOSPC or EROFS), and the test says so. One test always injects: a full disk, a
// read-only file system and a failing fsync, each cleared while the service keeps running.
//
// Every time: each refused write gets the clear error (RESOURCE_EXHAUSTED "storage: the disk
// holding <path> is full; free space and retry", UNAVAILABLE "storage: the database <path> is
// read-only ..."), reads still work, nothing of a refused write is stored, PRAGMA integrity_check
// is ok, and once the fault is gone the refused writes are sent again and accepted, and every
// acknowledged write is stored once. How the test ran and its figures are printed and recorded as
// test properties; docs/faults.md keeps them.
#include <fcntl.h>
#include <gmock/gmock.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/strip.h"
#include "convene/registration/v1/registration_service.grpc.pb.h"
#include "convene/survey/v1/survey_service.grpc.pb.h"
#include "services/common/client.h"
#include "services/common/testing/process.h"

namespace convene {
namespace {

namespace reg = ::convene::registration::v1;
namespace sv = ::convene::survey::v1;
using ::convene::testing::ServiceProcess;
using ::testing::HasSubstr;

// Writes acknowledged before the fault, refusals waited for under it, and fresh writes after it.
constexpr int kWritesBefore = 20;
constexpr int kRefusals = 10;
constexpr int kWritesAfter = 10;
// Writes tried under the fault before giving up on seeing kRefusals refusals.
constexpr int kMaxAttempts = 200;

// Runs a command of the system (mount, e2fsck, ...), found on the usual PATH of root.
testing::CommandResult Command(std::vector<std::string> argv) {
  argv.insert(argv.begin(), {"/usr/bin/env",
                             "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"});
  return testing::RunCommand(argv);
}

// Command, for those that say nothing useful: "" when it exited 0, else the command and what it
// said.
std::string System(const std::vector<std::string>& argv) {
  const testing::CommandResult result = Command(argv);
  if (result.exit_code == 0) return "";
  return absl::StrCat(absl::StrJoin(argv, " "), " exited with ", result.exit_code, ": ",
                      absl::StripTrailingAsciiWhitespace(absl::StrCat(result.err, result.out)));
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

// Fills the file system holding `dir` with the file `dir`/filler until a write fails with ENOSPC;
// the bytes written, or -1 when another error stopped it.
int64_t Fill(const std::string& dir) {
  const int fd = open((dir + "/filler").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  if (fd < 0) return -1;
  const std::string chunk(64 * 1024, 'x');
  int64_t total = 0;
  size_t size = chunk.size();
  while (true) {
    const ssize_t n = write(fd, chunk.data(), size);
    if (n > 0) {
      total += n;
      continue;
    }
    if (n < 0 && errno == ENOSPC && size > 512) {
      size /= 2;  // fill the last pages too
      continue;
    }
    const bool full = n < 0 && errno == ENOSPC;
    close(fd);
    return full ? total : -1;
  }
}

// A call that waits for the service to be reachable (it may just have been started again).
std::unique_ptr<grpc::ClientContext> Context() {
  auto context = NewCallContext(absl::Seconds(30));
  context->set_wait_for_ready(true);
  return context;
}

// One kind of write to a running service, for RunFault: `write(tag)` sends the write named `tag`
// (the same tag again is a retry of the same write), `stored()` reads back through gRPC how many
// items of each tag are stored, and `items(tag)` is how many one write stores.
struct Writer {
  std::function<grpc::Status(const std::string& tag)> write;
  std::function<std::map<std::string, int>()> stored;
  std::function<int(const std::string& tag)> items;
  std::string db_path;
  std::string db_file;  // its name without the folder: what error messages show
};

// A fault and how it ends: `on()` brings it about; `off()` removes it, restarting the service when
// the kernel leaves no other way (then `restarts` says so).
struct Fault {
  std::string name;  // "disk full", "read-only", "fsync fails"
  std::function<void()> on;
  std::function<void()> off;
  bool restarts = false;
  grpc::StatusCode code;
  std::string message;  // the start of every refusal's message
};

// What one run measured.
struct Figures {
  int acknowledged_before = 0;
  int refused = 0;
  int acknowledged_under_fault = 0;  // room was left (in SQLite's WAL file) for these
  int retried_and_stored = 0;        // refused writes sent again once the fault was gone
  int acknowledged_after = 0;
  int integrity_checks = 0;
  int items_checked = 0;
};

class StorageFaultsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = testing::MakeTempDir("storage-faults");
    ASSERT_FALSE(root_.empty());
    control_ = root_ + "/fault-control";
  }

  void TearDown() override {
    // The services hold their files open: stop them before their file systems go.
    survey_.reset();
    registration_.reset();
    for (auto it = mounts_.rbegin(); it != mounts_.rend(); ++it) {
      if (!System({"umount", *it}).empty()) System({"umount", "-l", *it});
    }
  }

  // Mounts a tmpfs of `size` ("8m") at a fresh folder and returns it; "" with the reason in
  // *why_not when mounting is not permitted here.
  std::string MountTmpfs(const std::string& size, std::string* why_not) {
    const std::string dir = root_ + "/tmpfs";
    std::filesystem::create_directories(dir);
    *why_not = System({"mount", "-t", "tmpfs", "-o", "size=" + size + ",mode=0700", "tmpfs", dir});
    if (!why_not->empty()) return "";
    mounts_.push_back(dir);
    return dir;
  }

  // Mounts a fresh ext4 image of `mib` MiB on a loop device with errors=remount-ro, and returns
  // the folder; "" with the reason in *why_not when that is not possible here.
  std::string MountExt4(int mib, std::string* why_not) {
    image_ = root_ + "/ext4.img";
    const std::string dir = root_ + "/ext4";
    std::filesystem::create_directories(dir);
    *why_not = System({"truncate", "-s", absl::StrCat(mib, "M"), image_});
    if (why_not->empty()) *why_not = System({"mkfs.ext4", "-q", image_});
    if (why_not->empty()) *why_not = MountImage(dir);
    if (!why_not->empty()) return "";
    mounts_.push_back(dir);
    const testing::CommandResult source = Command({"findmnt", "-n", "-o", "SOURCE", dir});
    error_trigger_ = absl::StrCat(
        "/sys/fs/ext4/",
        std::filesystem::path(std::string(absl::StripTrailingAsciiWhitespace(source.out)))
            .filename()
            .string(),
        "/trigger_fs_error");
    if (!std::filesystem::exists(error_trigger_)) {
      *why_not = absl::StrCat("the kernel offers no ", error_trigger_);
      return "";
    }
    return dir;
  }

  std::string MountImage(const std::string& dir) {
    return System({"mount", "-o", "loop,errors=remount-ro", image_, dir});
  }

  // Says how the test ran: printed, and recorded as the test property "how".
  void Say(const std::string& how) {
    std::cout << "storage faults: " << how << "\n";
    RecordProperty("how", how);
  }

  // Starts `binary` with its data in `data_dir`; with `injected`, preloading the library that makes
  // its writes under `data_dir` fail while control_ names a fault.
  std::unique_ptr<ServiceProcess> Start(const std::string& binary, const std::string& data_dir,
                                        bool injected, std::vector<std::string> flags = {},
                                        int port = 0) {
    if (injected) {
      // The library compares this with the paths the kernel gives for the service's files.
      std::filesystem::create_directories(data_dir);
      const std::string canonical = std::filesystem::canonical(data_dir).string();
      setenv("LD_PRELOAD", CONVENE_STORAGE_FAULT_PRELOAD, 1);
      setenv("CONVENE_FAULT_CONTROL", control_.c_str(), 1);
      setenv("CONVENE_FAULT_DIR", canonical.c_str(), 1);
      setenv("ASAN_OPTIONS", "verify_asan_link_order=0", 0);
    }
    auto process = ServiceProcess::Start(binary, data_dir, std::move(flags), port);
    if (injected) {
      unsetenv("LD_PRELOAD");
      unsetenv("CONVENE_FAULT_CONTROL");
      unsetenv("CONVENE_FAULT_DIR");
    }
    EXPECT_TRUE(process.ok()) << process.status();
    if (!process.ok()) return nullptr;
    return std::make_unique<ServiceProcess>(std::move(process).value());
  }

  void Inject(const std::string& word) { std::ofstream(control_) << word; }
  void StopInjecting() { std::filesystem::remove(control_); }

  // A disk-full fault on `dir`: a filler file on a real file system, or injected ENOSPC.
  Fault DiskFull(const std::string& dir, bool injected) {
    Fault fault;
    fault.name = "disk full";
    fault.code = grpc::StatusCode::RESOURCE_EXHAUSTED;
    if (injected) {
      fault.on = [this] { Inject("ENOSPC"); };
      fault.off = [this] { StopInjecting(); };
    } else {
      fault.on = [this, dir] {
        filled_ = Fill(dir);
        ASSERT_GT(filled_, 0) << "could not fill " << dir;
      };
      fault.off = [dir] { std::filesystem::remove(dir + "/filler"); };
    }
    return fault;
  }

  // The registration service on `data_dir`, written to by adds (AddParticipant) and, every fifth
  // write, imports of five rows (ImportParticipants), each with a request_id.
  Writer RegistrationWriter(const std::string& data_dir) {
    {
      reg::CreateEventRequest request;
      reg::Event* event = request.mutable_event();
      event->set_title("Regional dialogue on corruption and human rights");
      event->set_time_zone("Asia/Kuala_Lumpur");
      event->set_start_date("2024-10-01");
      event->set_end_date("2024-10-02");
      reg::CreateEventResponse response;
      grpc::Status status = RegistrationStub()->CreateEvent(Context().get(), request, &response);
      EXPECT_TRUE(status.ok()) << status.error_message();
      event_id_ = response.event().id();
    }
    Writer writer;
    writer.db_path = data_dir + "/registration.db";
    writer.db_file = "registration.db";
    writer.items = [](const std::string& tag) { return absl::StartsWith(tag, "import") ? 5 : 1; };
    writer.write = [this](const std::string& tag) {
      if (absl::StartsWith(tag, "import")) {
        reg::ImportParticipantsRequest request;
        request.set_event_id(event_id_);
        request.set_request_id(tag);
        for (const char* column : {"name", "email", "country"}) request.add_header(column);
        for (int r = 0; r < 5; ++r) {
          reg::ImportRow* row = request.add_rows();
          row->set_line(r + 2);
          row->add_cells(absl::StrCat("Imported ", tag, " ", r));
          row->add_cells(absl::StrCat(tag, ".", r, "@example.org"));
          row->add_cells(r % 2 ? "Viet Nam" : "KZ");
        }
        reg::ImportParticipantsResponse response;
        return RegistrationStub()->ImportParticipants(Context().get(), request, &response);
      }
      reg::AddParticipantRequest request;
      request.set_request_id(tag);
      reg::Participant* p = request.mutable_participant();
      p->set_event_id(event_id_);
      p->set_name(absl::StrCat("Added ", tag));
      p->set_email(absl::StrCat(tag, "@example.org"));
      p->set_country("TH");
      reg::AddParticipantResponse response;
      return RegistrationStub()->AddParticipant(Context().get(), request, &response);
    };
    writer.stored = [this] {
      std::map<std::string, int> stored;
      reg::ListParticipantsRequest list;
      list.set_event_id(event_id_);
      list.set_page_size(500);
      do {
        reg::ListParticipantsResponse page;
        grpc::Status status = RegistrationStub()->ListParticipants(Context().get(), list, &page);
        EXPECT_TRUE(status.ok()) << "a read failed: " << status.error_message();
        if (!status.ok()) break;
        for (const reg::Participant& p : page.participants()) {
          std::string tag(absl::StripSuffix(p.email(), "@example.org"));
          if (absl::StartsWith(tag, "import")) tag = tag.substr(0, tag.rfind('.'));
          ++stored[tag];
        }
        list.set_page_token(page.next_page_token());
      } while (!list.page_token().empty());
      return stored;
    };
    return writer;
  }

  // The survey service on `data_dir` (registration keeps its data elsewhere), written to by
  // submissions, each with a token of its own (SubmitResponse), and, every fifth write, imports of
  // three rows (ImportResponses) with a request_id. Each answer "note" carries the write's tag.
  Writer SurveyWriter(const std::string& data_dir) {
    constexpr int kPeople = 300;
    {
      reg::ImportParticipantsRequest request;
      request.set_event_id(event_id_);
      for (const char* column : {"name", "email", "country"}) request.add_header(column);
      for (int i = 0; i < kPeople; ++i) {
        reg::ImportRow* row = request.add_rows();
        row->set_line(i + 2);
        row->add_cells(absl::StrCat("Person ", i));
        row->add_cells(absl::StrCat("person", i, "@example.org"));
        row->add_cells("MY");
      }
      reg::ImportParticipantsResponse response;
      grpc::Status status =
          RegistrationStub()->ImportParticipants(Context().get(), request, &response);
      EXPECT_TRUE(status.ok()) << status.error_message();
    }
    sv::CreateSurveyRequest create;
    sv::Survey* survey = create.mutable_survey();
    survey->set_event_id(event_id_);
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
    grpc::Status status = SurveyStub()->CreateSurvey(Context().get(), create, &created);
    EXPECT_TRUE(status.ok()) << status.error_message();
    survey_id_ = created.survey().id();
    sv::OpenSurveyRequest open;
    open.set_survey_id(survey_id_);
    sv::OpenSurveyResponse opened;
    status = SurveyStub()->OpenSurvey(Context().get(), open, &opened);
    EXPECT_TRUE(status.ok()) << status.error_message();
    sv::IssueTokensRequest issue;
    issue.set_survey_id(survey_id_);
    sv::IssueTokensResponse issued;
    status = SurveyStub()->IssueTokens(Context().get(), issue, &issued);
    EXPECT_TRUE(status.ok()) << status.error_message();
    EXPECT_EQ(issued.tokens_size(), kPeople);
    tokens_.assign(issued.tokens().begin(), issued.tokens().end());

    Writer writer;
    writer.db_path = data_dir + "/survey.db";
    writer.db_file = "survey.db";
    writer.items = [](const std::string& tag) { return absl::StartsWith(tag, "import") ? 3 : 1; };
    writer.write = [this](const std::string& tag) {
      if (absl::StartsWith(tag, "import")) {
        sv::ImportResponsesRequest request;
        request.set_survey_id(survey_id_);
        request.set_request_id(tag);
        request.add_header("overall");
        request.add_header("note");
        for (int r = 0; r < 3; ++r) {
          sv::ImportRow* row = request.add_rows();
          row->set_line(r + 2);
          row->add_cells(absl::StrCat(1 + r));
          row->add_cells(absl::StrCat(tag, ".", r));
        }
        sv::ImportResponsesResponse response;
        return SurveyStub()->ImportResponses(Context().get(), request, &response);
      }
      // A retry sends the same token again; a fresh tag takes the next one.
      auto [it, fresh] = token_of_tag_.emplace(tag, token_of_tag_.size());
      if (it->second >= tokens_.size())
        return grpc::Status(grpc::StatusCode::INTERNAL, "no token left");
      sv::SubmitResponseRequest request;
      request.set_survey_id(survey_id_);
      request.set_token(tokens_[it->second].token());
      sv::Answer* a = request.add_answers();
      a->set_question_key("overall");
      a->set_scale(1 + it->second % 5);
      sv::Answer* b = request.add_answers();
      b->set_question_key("note");
      b->set_text(tag);
      sv::SubmitResponseResponse response;
      return SurveyStub()->SubmitResponse(Context().get(), request, &response);
    };
    writer.stored = [this] {
      std::map<std::string, int> stored;
      sv::StreamResponsesRequest request;
      request.set_survey_id(survey_id_);
      auto context = Context();
      auto reader = SurveyStub()->StreamResponses(context.get(), request);
      sv::StreamResponsesResponse page;
      while (reader->Read(&page)) {
        for (const sv::Response& r : page.responses()) {
          for (const sv::Answer& a : r.answers()) {
            if (a.question_key() != "note") continue;
            std::string tag = a.text();
            if (absl::StartsWith(tag, "import")) tag = tag.substr(0, tag.rfind('.'));
            ++stored[tag];
          }
        }
      }
      const grpc::Status status = reader->Finish();
      EXPECT_TRUE(status.ok()) << "a read failed: " << status.error_message();
      return stored;
    };
    return writer;
  }

  std::unique_ptr<sv::SurveyService::Stub> SurveyStub() {
    return sv::SurveyService::NewStub(MakeChannel(survey_->address()));
  }

  std::unique_ptr<reg::RegistrationService::Stub> RegistrationStub() {
    return reg::RegistrationService::NewStub(MakeChannel(registration_->address()));
  }

  // Writes (fresh tags `prefix`0, 1, ...) until kRefusals were refused, at most kMaxAttempts. A
  // write may still be acknowledged where SQLite finds room left in its WAL file; every refusal
  // must carry the fault's code and message. Adds the tags to *acknowledged and *refused.
  void WriteUntilRefused(const Writer& writer, const Fault& fault, const std::string& prefix,
                         std::vector<std::string>* acknowledged,
                         std::vector<std::string>* refused) {
    int refusals = 0;
    for (int n = 0; n < kMaxAttempts && refusals < kRefusals; ++n) {
      const std::string tag = absl::StrCat(n % 5 == 4 ? "import-" : "add-", prefix, n);
      const grpc::Status status = writer.write(tag);
      if (status.ok()) {
        acknowledged->push_back(tag);
        continue;
      }
      ++refusals;
      refused->push_back(tag);
      EXPECT_EQ(status.error_code(), fault.code) << tag << ": " << status.error_message();
      EXPECT_TRUE(absl::StartsWith(status.error_message(), fault.message))
          << tag << ": \"" << status.error_message() << "\" does not start with \"" << fault.message
          << "\"";
      if (refusals == 1)
        std::cout << fault.name << ": refused with \"" << status.error_message() << "\"\n";
    }
    EXPECT_EQ(refusals, kRefusals) << "the " << fault.name << " did not refuse writes";
  }

  // What is stored must be exactly the acknowledged writes, each with all its items.
  void ExpectStored(const Writer& writer, const std::vector<std::string>& acknowledged,
                    const std::vector<std::string>& refused, Figures* figures) {
    std::map<std::string, int> expected;
    for (const std::string& tag : acknowledged) expected[tag] += writer.items(tag);
    const std::map<std::string, int> stored = writer.stored();
    for (const std::string& tag : refused) {
      if (expected.count(tag) == 0) {
        EXPECT_EQ(stored.count(tag), 0u) << "refused, yet stored: " << tag;
      }
    }
    EXPECT_EQ(stored, expected);
    for (const auto& [tag, items] : stored) figures->items_checked += items;
  }

  void ExpectIntact(const std::string& db_path, Figures* figures) {
    EXPECT_EQ(IntegrityCheck(db_path), "ok") << db_path;
    ++figures->integrity_checks;
  }

  // The run every fault gets: writes acknowledged; the fault; writes until kRefusals were refused
  // with the clear error; reads and an integrity check under the fault; the fault removed; the
  // refused writes sent again and fresh ones, all acknowledged; everything read back.
  Figures RunFault(const Writer& writer, const Fault& fault, const std::string& prefix,
                   const std::unique_ptr<ServiceProcess>& service) {
    Figures figures;
    std::vector<std::string>& acknowledged = acknowledged_;
    std::vector<std::string> refused;
    for (int n = 0; n < kWritesBefore; ++n) {
      const std::string tag = absl::StrCat(n % 5 == 4 ? "import-" : "add-", prefix, "before", n);
      const grpc::Status status = writer.write(tag);
      EXPECT_TRUE(status.ok()) << tag << ": " << status.error_message();
      acknowledged.push_back(tag);
    }
    figures.acknowledged_before = kWritesBefore;
    const size_t acknowledged_before = acknowledged.size();
    const pid_t pid = service->pid();

    fault.on();
    WriteUntilRefused(writer, fault, prefix + "under", &acknowledged, &refused);
    figures.refused = static_cast<int>(refused.size());
    figures.acknowledged_under_fault = static_cast<int>(acknowledged.size() - acknowledged_before);
    // Reads still work, and show every acknowledged write and nothing of a refused one.
    ExpectStored(writer, acknowledged, refused, &figures);
    ExpectIntact(writer.db_path, &figures);

    fault.off();
    if (service == nullptr) {
      ADD_FAILURE() << "no service after the " << fault.name;
      return figures;
    }
    if (!fault.restarts) {
      EXPECT_EQ(service->pid(), pid) << "the service was restarted";
    }
    for (const std::string& tag : refused) {
      const grpc::Status status = writer.write(tag);
      EXPECT_TRUE(status.ok()) << "sent again after the " << fault.name << ": " << tag << ": "
                               << status.error_message();
      if (!status.ok()) continue;
      acknowledged.push_back(tag);
      ++figures.retried_and_stored;
    }
    for (int n = 0; n < kWritesAfter; ++n) {
      const std::string tag = absl::StrCat(n % 5 == 4 ? "import-" : "add-", prefix, "after", n);
      const grpc::Status status = writer.write(tag);
      EXPECT_TRUE(status.ok()) << tag << ": " << status.error_message();
      if (status.ok()) acknowledged.push_back(tag);
      ++figures.acknowledged_after;
    }
    ExpectStored(writer, acknowledged, {}, &figures);
    ExpectIntact(writer.db_path, &figures);
    return figures;
  }

  void Report(const std::string& what, const Figures& f) {
    std::cout << absl::StrFormat(
        "%s: %d writes acknowledged before; %d refused under the fault (%d acknowledged there, "
        "room being left); %d refused writes sent again and stored, %d fresh writes acknowledged "
        "after; %d integrity checks ok; %d stored items checked\n",
        what, f.acknowledged_before, f.refused, f.acknowledged_under_fault, f.retried_and_stored,
        f.acknowledged_after, f.integrity_checks, f.items_checked);
    const std::string key = absl::StrReplaceAll(what, {{" ", "_"}, {",", ""}, {"-", "_"}});
    RecordProperty(key + "_writes_refused", f.refused);
    RecordProperty(key + "_acknowledged_under_fault", f.acknowledged_under_fault);
    RecordProperty(key + "_retried_and_stored", f.retried_and_stored);
    RecordProperty(key + "_integrity_checks", f.integrity_checks);
    RecordProperty(key + "_items_checked", f.items_checked);
  }

  std::string root_, control_, image_, error_trigger_, event_id_, survey_id_;
  std::vector<sv::Token> tokens_;
  std::map<std::string, size_t> token_of_tag_;  // the tokens_ index each submission uses
  std::vector<std::string> mounts_;
  std::vector<std::string> acknowledged_;  // the tags of every acknowledged write
  std::unique_ptr<ServiceProcess> registration_, survey_;
  int64_t filled_ = 0;
};

TEST_F(StorageFaultsTest, RegistrationDiskFull) {
  std::string why_not;
  std::string disk = MountTmpfs("8m", &why_not);
  const bool injected = disk.empty();
  if (injected) {
    disk = root_ + "/disk";
    Say("disk full INJECTED (ENOSPC from a preloaded library), no tmpfs: " + why_not);
  } else {
    Say("disk full on a tmpfs of 8 MiB, filled by a file");
  }
  const std::string data_dir = disk + "/registration";
  registration_ = Start("convene-registration", data_dir, injected);
  ASSERT_NE(registration_, nullptr);
  const Writer writer = RegistrationWriter(data_dir);
  Fault fault = DiskFull(disk, injected);
  fault.message = "storage: the disk holding " + writer.db_file + " is full; free space and retry";
  const Figures figures = RunFault(writer, fault, "", registration_);
  if (!injected) std::cout << "the filler took " << filled_ << " bytes\n";
  Report("registration disk full", figures);
}

TEST_F(StorageFaultsTest, SurveyDiskFull) {
  std::string why_not;
  std::string disk = MountTmpfs("8m", &why_not);
  const bool injected = disk.empty();
  if (injected) {
    disk = root_ + "/disk";
    Say("disk full INJECTED (ENOSPC from a preloaded library), no tmpfs: " + why_not);
  } else {
    Say("disk full on a tmpfs of 8 MiB, filled by a file");
  }
  registration_ = Start("convene-registration", root_ + "/registration", false);
  ASSERT_NE(registration_, nullptr);
  RegistrationWriter(root_ + "/registration");  // creates the event
  const std::string data_dir = disk + "/survey";
  survey_ = Start("convene-survey", data_dir, injected,
                  {"--registration_addr=" + registration_->address()});
  ASSERT_NE(survey_, nullptr);
  const Writer writer = SurveyWriter(data_dir);
  Fault fault = DiskFull(disk, injected);
  fault.message = "storage: the disk holding " + writer.db_file + " is full; free space and retry";
  const Figures figures = RunFault(writer, fault, "", survey_);
  if (!injected) std::cout << "the filler took " << filled_ << " bytes\n";
  Report("survey disk full", figures);
}

TEST_F(StorageFaultsTest, RegistrationReadOnly) {
  std::string why_not;
  std::string disk = MountExt4(16, &why_not);
  const bool injected = disk.empty();
  if (injected) {
    disk = root_ + "/disk";
    Say("read-only INJECTED (EROFS from a preloaded library), no ext4 on a loop device: " +
        why_not);
  } else {
    Say("read-only: ext4 of 16 MiB on a loop device, errors=remount-ro, made read-only by the "
        "kernel (trigger_fs_error) under the service; repaired by umount, e2fsck and mount, and "
        "the service started again");
  }
  const std::string data_dir = disk + "/registration";
  registration_ = Start("convene-registration", data_dir, injected);
  ASSERT_NE(registration_, nullptr);
  const Writer writer = RegistrationWriter(data_dir);
  if (!injected) {
    // Linux does not make a file system read-only while a process holds a file on it open for
    // writing, so this is not how a running service meets one.
    const std::string remount = System({"mount", "-o", "remount,ro", disk});
    std::cout << "mount -o remount,ro under the running service: "
              << (remount.empty() ? "done" : remount) << "\n";
    RecordProperty("remount_ro_under_the_service", remount.empty() ? "done" : "refused");
    if (remount.empty()) System({"mount", "-o", "remount,rw", disk});
  }
  Fault fault;
  fault.name = "read-only";
  fault.code = grpc::StatusCode::UNAVAILABLE;
  fault.message = "storage: the database " + writer.db_file + " is read-only";
  if (injected) {
    fault.on = [this] { Inject("EROFS"); };
    fault.off = [this] { StopInjecting(); };
  } else {
    fault.restarts = true;
    fault.on = [this] {
      std::ofstream(error_trigger_) << "convene storage_faults_test";
      // The kernel makes it read-only at once: "ro" in the super block's options, or
      // "emergency_ro" in newer kernels (6.12 on).
      const std::string options = std::string(absl::StripTrailingAsciiWhitespace(
          Command({"findmnt", "-n", "-o", "FS-OPTIONS", mounts_.back()}).out));
      std::cout << "after the error, the file system's options are " << options << "\n";
      EXPECT_TRUE(absl::StartsWith(options, "ro,") || absl::StrContains(options, "emergency_ro"))
          << "the file system did not become read-only: " << options;
    };
    fault.off = [this, disk, data_dir] {
      // What an operator tries first; ext4 refuses after an error, while mounted.
      const std::string remount = System({"mount", "-o", "remount,rw", disk});
      std::cout << "mount -o remount,rw after the error: " << (remount.empty() ? "done" : remount)
                << "\n";
      RecordProperty("remount_rw_after_the_error", remount.empty() ? "done" : "refused");
      const int port = registration_->port();
      const int stopped = registration_->Stop(SIGTERM);
      EXPECT_TRUE(WIFEXITED(stopped) && WEXITSTATUS(stopped) == 0)
          << "on the read-only file system, SIGTERM did not end the service cleanly: " << stopped;
      registration_.reset();
      // Started again on the read-only file system, the service refuses to start and says why.
      const testing::CommandResult refused = Command(
          {"timeout", "20", testing::BinaryPath("convene-registration"),
           absl::StrCat("--listen=127.0.0.1:", testing::FreePort()), "--data_dir=" + data_dir,
           "--credential_file=" + testing::ServiceCredentialFile(),
           "--bootstrap_credential_file=" + testing::OrganiserCredentialFile()});
      EXPECT_EQ(refused.exit_code, 2) << refused.err;
      EXPECT_THAT(refused.err,
                  HasSubstr("storage: the database " + data_dir + "/registration.db is read-only"));
      std::cout << "started on the read-only file system, the service said: " << refused.err;
      ASSERT_EQ(System({"umount", disk}), "");
      const testing::CommandResult fsck = Command({"e2fsck", "-fy", image_});
      EXPECT_LT(fsck.exit_code, 4) << fsck.out << fsck.err;  // 0: clean, 1: errors fixed
      ASSERT_EQ(MountImage(disk), "");
      registration_ = Start("convene-registration", data_dir, false, {}, port);
    };
  }
  const Figures figures = RunFault(writer, fault, "", registration_);
  Report("registration read-only", figures);
}

TEST_F(StorageFaultsTest, InjectedFaultsClearWithoutRestart) {
  Say("INJECTED ENOSPC, EROFS and EIO from fsync (a preloaded library), each cleared while the "
      "service keeps running");
  const std::string data_dir = root_ + "/registration";
  registration_ = Start("convene-registration", data_dir, true);
  ASSERT_NE(registration_, nullptr);
  const Writer writer = RegistrationWriter(data_dir);
  struct Case {
    std::string word, name;
    grpc::StatusCode code;
    std::string message;
  };
  const std::vector<Case> cases = {
      {"ENOSPC", "disk full", grpc::StatusCode::RESOURCE_EXHAUSTED,
       "storage: the disk holding " + writer.db_file + " is full; free space and retry"},
      {"EROFS", "read-only", grpc::StatusCode::UNAVAILABLE,
       "storage: the database " + writer.db_file + " is read-only"},
      {"EIO", "fsync fails", grpc::StatusCode::UNAVAILABLE,
       "storage: reading or writing " + writer.db_file + " failed; check its disk and retry"},
  };
  for (const Case& c : cases) {
    Fault fault;
    fault.name = c.name;
    fault.code = c.code;
    fault.message = c.message;
    fault.on = [this, word = c.word] { Inject(word); };
    fault.off = [this] { StopInjecting(); };
    const Figures figures =
        RunFault(writer, fault, absl::AsciiStrToLower(c.word) + "-", registration_);
    Report("registration injected " + c.name, figures);
  }
}

}  // namespace
}  // namespace convene
