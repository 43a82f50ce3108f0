#include "services/common/testing/process.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "services/common/auth.h"
#include "services/common/client.h"

namespace convene::testing {

int FreePort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
  socklen_t len = sizeof(addr);
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  close(fd);
  return ntohs(addr.sin_port);
}

std::string MakeTempDir(const std::string& name) {
  const char* base = std::getenv("TEST_TMPDIR");
  std::filesystem::path root = base ? base : std::filesystem::temp_directory_path();
  std::string pattern = (root / ("convene-" + name + "-XXXXXX")).string();
  char* made = mkdtemp(pattern.data());
  return made ? std::string(made) : std::string();
}

std::string BinaryPath(const std::string& name) {
  const char* dir = std::getenv("CONVENE_BIN_DIR");
  return absl::StrCat(dir ? dir : ".", "/", name);
}

absl::Status WaitUntilServing(const std::string& address, absl::Duration timeout) {
  const absl::Time give_up = absl::Now() + timeout;
  std::string last = "no answer";
  while (absl::Now() < give_up) {
    // A fresh channel per attempt: a channel whose first connect was refused
    // backs off, and would keep failing for seconds after the server is up.
    auto stub = grpc::health::v1::Health::NewStub(MakeChannel(address));
    auto context = NewCallContext(absl::Milliseconds(500));
    grpc::health::v1::HealthCheckRequest request;
    grpc::health::v1::HealthCheckResponse response;
    grpc::Status status = stub->Check(context.get(), request, &response);
    if (status.ok() && response.status() == grpc::health::v1::HealthCheckResponse::SERVING) {
      return absl::OkStatus();
    }
    last = status.ok() ? "not serving" : status.error_message();
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return absl::DeadlineExceededError(absl::StrCat(address, " did not become healthy: ", last));
}

namespace {

std::string ReadAll(int fd) {
  std::string out;
  char buffer[4096];
  ssize_t n;
  while ((n = read(fd, buffer, sizeof(buffer))) > 0) out.append(buffer, n);
  return out;
}

std::vector<char*> CStrings(std::vector<std::string>& strings) {
  std::vector<char*> out;
  for (auto& s : strings) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

}  // namespace

CommandResult RunCommand(const std::vector<std::string>& argv, const std::vector<std::string>& env,
                         const std::string& input) {
  // Files rather than pipes, so a chatty child never blocks on a full pipe.
  std::string dir = MakeTempDir("cmd");
  std::string in_path = dir + "/in", out_path = dir + "/out", err_path = dir + "/err";
  std::ofstream(in_path) << input;
  pid_t pid = fork();
  if (pid == 0) {
    int in = open(in_path.c_str(), O_RDONLY);
    int out = open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    int err = open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    dup2(in, 0);
    dup2(out, 1);
    dup2(err, 2);
    // The CLI runs as the first organiser unless the test says otherwise.
    if (std::getenv("CONVENE_TOKEN") == nullptr && std::getenv("CONVENE_TOKEN_FILE") == nullptr &&
        std::filesystem::exists(OrganiserCredentialFile())) {
      setenv("CONVENE_TOKEN_FILE", OrganiserCredentialFile().c_str(), 1);
    }
    for (const std::string& e : env) putenv(strdup(e.c_str()));
    std::vector<std::string> args = argv;
    std::vector<char*> c_args = CStrings(args);
    execv(c_args[0], c_args.data());
    _exit(127);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  CommandResult result;
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  int out = open(out_path.c_str(), O_RDONLY);
  int err = open(err_path.c_str(), O_RDONLY);
  result.out = ReadAll(out);
  result.err = ReadAll(err);
  close(out);
  close(err);
  std::filesystem::remove_all(dir);
  return result;
}

const std::string& TestCredentialsDir() {
  static const std::string* dir = new std::string(MakeTempDir("credentials"));
  return *dir;
}

std::string ServiceCredentialFile() { return TestCredentialsDir() + "/service.token"; }

std::string OrganiserCredentialFile() { return TestCredentialsDir() + "/organiser.token"; }

absl::StatusOr<ServiceProcess> ServiceProcess::Start(const std::string& binary,
                                                     const std::string& data_dir,
                                                     std::vector<std::string> extra_flags,
                                                     int port) {
  ServiceProcess process;
  process.port_ = port ? port : FreePort();
  process.address_ = absl::StrCat("127.0.0.1:", process.port_);
  std::vector<std::string> args = {BinaryPath(binary), "--listen=" + process.address_,
                                   "--data_dir=" + data_dir};
  const auto has_flag = [&](absl::string_view name) {
    return std::any_of(extra_flags.begin(), extra_flags.end(),
                       [&](const std::string& flag) { return absl::StartsWith(flag, name); });
  };
  const bool registration = binary == "convene-registration";
  if (!has_flag("--credential_file=")) args.push_back("--credential_file=" + ServiceCredentialFile());
  if (registration && !has_flag("--bootstrap_credential_file=")) {
    args.push_back("--bootstrap_credential_file=" + OrganiserCredentialFile());
  }
  for (auto& flag : extra_flags) args.push_back(flag);
  std::filesystem::create_directories(data_dir);
  std::string log = absl::StrCat(data_dir, "/", binary, ".log");
  pid_t pid = fork();
  if (pid == 0) {
    int fd = open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
    dup2(fd, 1);
    dup2(fd, 2);
    std::vector<char*> c_args = CStrings(args);
    execv(c_args[0], c_args.data());
    _exit(127);
  }
  process.pid_ = pid;
  absl::Status serving = WaitUntilServing(process.address_, absl::Seconds(20));
  if (!serving.ok()) {
    std::ifstream in(log);
    std::stringstream text;
    text << in.rdbuf();
    return absl::Status(serving.code(),
                        absl::StrCat(serving.message(), "; its log says: ", text.str()));
  }
  // The test calls as the first organiser unless it chose a credential itself.
  if (registration && CallCredential().empty()) {
    absl::StatusOr<std::string> organiser = ReadCredentialFile(OrganiserCredentialFile());
    if (organiser.ok()) SetCallCredential(*organiser);
  }
  return process;
}

ServiceProcess::ServiceProcess(ServiceProcess&& other) noexcept { *this = std::move(other); }

ServiceProcess& ServiceProcess::operator=(ServiceProcess&& other) noexcept {
  std::swap(pid_, other.pid_);
  std::swap(port_, other.port_);
  std::swap(address_, other.address_);
  return *this;
}

ServiceProcess::~ServiceProcess() {
  if (pid_ > 0) Stop(SIGKILL);
}

int ServiceProcess::Stop(int signal) {
  if (pid_ <= 0) return -1;
  kill(pid_, signal);
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
  return status;
}

}  // namespace convene::testing
