// Real processes for integration and end-to-end tests: a Convene service
// started exactly as an operator would (`convene-registration
// --listen=127.0.0.1:PORT --data_dir=DIR`) on a free loopback port, waited on
// until its health service answers SERVING, and stopped with any signal
// (SIGKILL included).
#ifndef CONVENE_SERVICES_COMMON_TESTING_PROCESS_H_
#define CONVENE_SERVICES_COMMON_TESTING_PROCESS_H_

#include <sys/types.h>

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace convene::testing {

// A loopback port that was free a moment ago.
int FreePort();

// A fresh empty folder under the test's temporary directory.
std::string MakeTempDir(const std::string& name);

// Path of a binary built by this project, from the CONVENE_BIN_DIR environment
// variable that ctest sets.
std::string BinaryPath(const std::string& name);

// Asks grpc.health.v1 at `address` until it answers SERVING or `timeout`
// passes.
absl::Status WaitUntilServing(const std::string& address, absl::Duration timeout);

struct CommandResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// Runs `argv` to completion with `env` added to the environment and `input` on
// stdin.
CommandResult RunCommand(const std::vector<std::string>& argv,
                         const std::vector<std::string>& env = {}, const std::string& input = "");

// The credentials of this test process's services, in a folder of its own: the stack's service
// credential (ServiceProcess::Start passes --credential_file=ServiceCredentialFile() to every
// service unless the flags name another) and the first organiser's (registration's
// --bootstrap_credential_file). Once a registration service is serving, the test's own calls carry
// the organiser's credential (SetCallCredential) unless one was set before; commands run by
// RunCommand get CONVENE_TOKEN_FILE pointing at it unless their environment sets a token.
std::string ServiceCredentialFile();
std::string OrganiserCredentialFile();

class ServiceProcess {
 public:
  // Starts `binary` with --listen=127.0.0.1:<free port> --data_dir=`data_dir`
  // and `extra_flags`, writing its stderr to `data_dir`/<binary>.log, and waits
  // until it serves.
  static absl::StatusOr<ServiceProcess> Start(const std::string& binary,
                                              const std::string& data_dir,
                                              std::vector<std::string> extra_flags = {},
                                              int port = 0);
  ServiceProcess(ServiceProcess&& other) noexcept;
  ServiceProcess& operator=(ServiceProcess&& other) noexcept;
  ~ServiceProcess();  // SIGKILL if still running

  const std::string& address() const { return address_; }
  int port() const { return port_; }
  pid_t pid() const { return pid_; }

  // Sends `signal` and waits for the process to exit; returns its wait status.
  int Stop(int signal);

 private:
  ServiceProcess() = default;
  pid_t pid_ = -1;
  int port_ = 0;
  std::string address_;
};

}  // namespace convene::testing

#endif  // CONVENE_SERVICES_COMMON_TESTING_PROCESS_H_
