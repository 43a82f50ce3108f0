// Server bootstrap shared by every Convene service: command-line flags, the
// listening address, the grpc.health.v1 health service, server reflection, and
// graceful shutdown on SIGTERM/SIGINT.
//
//   int main(int argc, char** argv) {
//     convene::InitServer(argc, argv, "convene-registration",
//     "127.0.0.1:50051");
//     ... open the store under convene::DataDir() ...
//     return convene::ServeUntilSignalled({&service});
//   }
//
// Shutdown: on the first SIGTERM or SIGINT the health service reports
// NOT_SERVING, the server stops accepting calls, and calls in flight get until
// --drain_seconds to finish before being cancelled.
#ifndef CONVENE_SERVICES_COMMON_SERVER_H_
#define CONVENE_SERVICES_COMMON_SERVER_H_

#include <grpcpp/grpcpp.h>

#include <string>
#include <vector>

#include "absl/flags/declare.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "services/common/client.h"

ABSL_DECLARE_FLAG(std::string, listen);
ABSL_DECLARE_FLAG(std::string, data_dir);
ABSL_DECLARE_FLAG(double, drain_seconds);
ABSL_DECLARE_FLAG(std::string, credential_file);

namespace convene {

// Blocks SIGTERM and SIGINT (so that only the shutdown thread sees them; call
// it before any thread is started), parses the flags, and fills in --listen
// with `default_listen` when it was not given. Reads (or writes) the service
// credential of --credential_file, which every call to another service carries
// and which the gatekeeper accepts; reads the TLS files. Exits with a clear
// message when any of them is wrong. `accept_survey_tokens`: participants may
// call with a survey token instead of a credential (the survey service).
void InitServer(int argc, char** argv, absl::string_view program, absl::string_view default_listen,
                bool accept_survey_tokens = false);

// --data_dir, created if missing. Exits with a clear message when it cannot be
// created.
std::string DataDir();

// Serves `services` on --listen until SIGTERM/SIGINT, then drains and returns
// the exit status.
int ServeUntilSignalled(const std::vector<grpc::Service*>& services);

// Writes one line to stderr, prefixed with the UTC time and the program name.
void LogLine(absl::string_view message);

}  // namespace convene

#endif  // CONVENE_SERVICES_COMMON_SERVER_H_
