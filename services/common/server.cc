#include "services/common/server.h"

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/health_check_service_interface.h>
#include <signal.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <thread>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "services/common/unary.h"

ABSL_FLAG(std::string, listen, "",
          "HOST:PORT to listen on (each service has its own default port)");
ABSL_FLAG(std::string, data_dir, "./data", "Folder holding this service's SQLite database");
ABSL_FLAG(double, drain_seconds, 5.0,
          "On SIGTERM/SIGINT, how long calls in flight may take to finish");

namespace convene {
namespace {

std::string& ProgramName() {
  static std::string* name = new std::string("convene");
  return *name;
}

sigset_t ShutdownSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  return set;
}

}  // namespace

void LogLine(absl::string_view message) {
  absl::FPrintF(stderr, "%s %s: %s\n",
                absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", absl::Now(), absl::UTCTimeZone()),
                ProgramName(), message);
}

void InitServer(int argc, char** argv, absl::string_view program,
                absl::string_view default_listen) {
  sigset_t set = ShutdownSignals();
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  ProgramName() = std::string(program);
  absl::SetProgramUsageMessage(
      absl::StrCat(program, ": a Convene service.\nUsage: ", program,
                   " --listen=HOST:PORT --data_dir=DIR [--drain_seconds=S]"));
  absl::ParseCommandLine(argc, argv);
  if (absl::GetFlag(FLAGS_listen).empty()) {
    absl::SetFlag(&FLAGS_listen, std::string(default_listen));
  }
}

std::string DataDir() {
  std::string dir = absl::GetFlag(FLAGS_data_dir);
  std::error_code error;
  std::filesystem::create_directories(dir, error);
  if (error) {
    LogLine(absl::StrCat("cannot create --data_dir=", dir, ": ", error.message()));
    std::exit(2);
  }
  return dir;
}

int ServeUntilSignalled(const std::vector<grpc::Service*>& services) {
  const std::string listen = absl::GetFlag(FLAGS_listen);
  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();

  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort(listen, grpc::InsecureServerCredentials(), &port);
  builder.SetMaxReceiveMessageSize(kMaxMessageBytes);
  builder.SetMaxSendMessageSize(kMaxMessageBytes);
  for (grpc::Service* service : services) builder.RegisterService(service);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (server == nullptr || port == 0) {
    LogLine(
        absl::StrCat("cannot listen on ", listen, " (is the address valid and the port free?)"));
    return 2;
  }
  LogLine(absl::StrCat("listening on ", listen, " (pid ", getpid(), ")"));

  std::thread shutdown([&server] {
    sigset_t set = ShutdownSignals();
    int signal = 0;
    sigwait(&set, &signal);
    double drain = absl::GetFlag(FLAGS_drain_seconds);
    LogLine(
        absl::StrCat("signal ", signal, ": not serving; draining calls for up to ", drain, " s"));
    // Health first, so load balancers stop sending; then refuse new calls, let
    // those in flight finish, and close. (grpc::Server::Shutdown alone would
    // also wait out the whole deadline for clients that merely keep an idle
    // connection open.)
    server->GetHealthCheckService()->SetServingStatus(false);
    ServerCalls().Close();
    const bool idle = ServerCalls().WaitIdle(absl::Now() + absl::Microseconds(drain * 1e6));
    if (!idle) LogLine("drain deadline passed; cancelling the calls still in flight");
    server->Shutdown(std::chrono::system_clock::now() + std::chrono::milliseconds(100));
  });
  server->Wait();
  shutdown.join();
  LogLine("stopped");
  return 0;
}

}  // namespace convene
