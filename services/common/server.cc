#include "services/common/server.h"

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/health_check_service_interface.h>
#include <signal.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <thread>
#include <tuple>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/synchronization/mutex.h"
#include "services/common/auth.h"
#include "services/common/crypto.h"
#include "services/common/unary.h"

ABSL_FLAG(std::string, listen, "",
          "HOST:PORT to listen on (each service has its own default port)");
ABSL_FLAG(std::string, data_dir, "./data", "Folder holding this service's SQLite database");
ABSL_FLAG(std::string, credential_file, "",
          "File holding the stack's service credential, for calls to other services (written, "
          "readable by its owner only, when it does not exist yet); required");
ABSL_FLAG(int, auth_failures_per_minute, 10,
          "Failed authentications one client address may make per minute before its calls are "
          "refused for a while");
ABSL_FLAG(std::string, tls_cert_file, "",
          "PEM certificate (chain) of this service: with --tls_key_file, it listens with TLS only");
ABSL_FLAG(std::string, tls_key_file, "", "PEM private key of --tls_cert_file");
ABSL_FLAG(std::string, tls_ca_file, "",
          "PEM certificate(s) of the authority that signed the services' certificates: calls to "
          "other services use TLS and check their certificates against it");
ABSL_FLAG(bool, tls_client_auth, false,
          "Mutual TLS: clients must present a certificate signed by --tls_ca_file, and this "
          "service presents its own (--tls_cert_file) when it calls the others");
ABSL_FLAG(int, worker_threads, 64,
          "Threads that run calls (reading and writing the database, waiting for its group "
          "commit, calling other services); more calls than this wait in line");
ABSL_FLAG(double, drain_seconds, 5.0,
          "On SIGTERM/SIGINT, how long calls in flight may take to finish");

namespace convene {
namespace {

TlsFiles& ServerTls() {
  static TlsFiles* tls = new TlsFiles();
  return *tls;
}

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

void InitServer(int argc, char** argv, absl::string_view program, absl::string_view default_listen,
                bool accept_survey_tokens) {
  sigset_t set = ShutdownSignals();
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  // Debian's Abseil checks every absl::Mutex (gRPC's) for lock-order cycles by default, through
  // one global graph: a debugging aid that costs every call under load.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  ProgramName() = std::string(program);
  absl::SetProgramUsageMessage(absl::StrCat(
      program, ": a Convene service.\nUsage: ", program,
      " --listen=HOST:PORT --data_dir=DIR --credential_file=FILE [--tls_cert_file=PEM "
      "--tls_key_file=PEM --tls_ca_file=PEM [--tls_client_auth]] [--drain_seconds=S]"));
  absl::ParseCommandLine(argc, argv);
  if (absl::GetFlag(FLAGS_listen).empty()) {
    absl::SetFlag(&FLAGS_listen, std::string(default_listen));
  }

  // The stack's own credential: carried by every call to another service, and accepted from them.
  const std::string credential_file = absl::GetFlag(FLAGS_credential_file);
  if (credential_file.empty()) {
    LogLine(
        "--credential_file is required: the file holding the stack's service credential "
        "(it is created when missing)");
    std::exit(2);
  }
  absl::StatusOr<std::string> token = ReadOrCreateServiceCredential(credential_file);
  if (!token.ok()) {
    LogLine(std::string(token.status().message()));
    std::exit(2);
  }
  SetCallCredential(*token);
  const CredentialToken parts = *ParseCredentialToken(*token);
  authv1::Verifier own;
  own.set_credential_id(parts.credential_id);
  own.set_secret_sha256(Sha256(parts.secret));
  own.set_role(authv1::ROLE_SERVICE);
  ServerGatekeeper().AddFixed(own);
  Gatekeeper::Options options;
  options.failures_per_minute = std::max(1, absl::GetFlag(FLAGS_auth_failures_per_minute));
  options.accept_survey_tokens = accept_survey_tokens;
  ServerGatekeeper().SetOptions(options);

  // TLS: the certificates are read now, so that a wrong path stops the service at once.
  TlsFiles tls;
  for (auto [flag, path, target] :
       {std::tuple{"--tls_ca_file", absl::GetFlag(FLAGS_tls_ca_file), &tls.ca},
        std::tuple{"--tls_cert_file", absl::GetFlag(FLAGS_tls_cert_file), &tls.cert},
        std::tuple{"--tls_key_file", absl::GetFlag(FLAGS_tls_key_file), &tls.key}}) {
    if (path.empty()) continue;
    absl::StatusOr<std::string> pem = ReadPemFile(path);
    if (!pem.ok()) {
      LogLine(absl::StrCat(flag, ": ", pem.status().message()));
      std::exit(2);
    }
    *target = *pem;
  }
  if (tls.cert.empty() != tls.key.empty()) {
    LogLine("--tls_cert_file and --tls_key_file go together");
    std::exit(2);
  }
  if (absl::GetFlag(FLAGS_tls_client_auth) && (tls.ca.empty() || tls.cert.empty())) {
    LogLine("--tls_client_auth needs --tls_ca_file, --tls_cert_file and --tls_key_file");
    std::exit(2);
  }
  ServerTls() = tls;
  if (!tls.ca.empty()) {
    TlsFiles outgoing{tls.ca, "", ""};
    if (absl::GetFlag(FLAGS_tls_client_auth)) outgoing = tls;
    SetChannelTls(outgoing);
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
  // Reflection tells the API's shape (as the protos do), never data; it needs no credential.
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();

  std::shared_ptr<grpc::ServerCredentials> credentials = grpc::InsecureServerCredentials();
  const TlsFiles& tls = ServerTls();
  if (!tls.cert.empty()) {
    grpc::SslServerCredentialsOptions ssl(
        absl::GetFlag(FLAGS_tls_client_auth)
            ? GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY
            : GRPC_SSL_DONT_REQUEST_CLIENT_CERTIFICATE);
    ssl.pem_root_certs = tls.ca;
    ssl.pem_key_cert_pairs.push_back({tls.key, tls.cert});
    credentials = grpc::SslServerCredentials(ssl);
  }
  // Made here, with the shutdown signals already blocked, so that no worker takes them.
  SetServerWorkerThreads(std::clamp(absl::GetFlag(FLAGS_worker_threads), 1, 1024));
  ServerWorkers();
  ServerSerialThread();
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort(listen, credentials, &port);
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
