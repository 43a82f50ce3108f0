#include "clients/cli/service_client.h"

#include <cstdlib>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "services/common/client.h"
#include "services/common/status.h"

namespace convene::cli {

const std::vector<ServiceInfo>& Services() {
  static const auto* services = new std::vector<ServiceInfo>{
      {"registration", 50051}, {"agenda", 50052},      {"grouping", 50053},
      {"survey", 50054},       {"aggregation", 50055},
  };
  return *services;
}

std::string ServiceAddress(absl::string_view service) {
  std::string variable = absl::StrCat("CONVENE_", absl::AsciiStrToUpper(service), "_ADDR");
  const char* value = std::getenv(variable.c_str());
  if (value != nullptr && *value != '\0') return value;
  for (const ServiceInfo& info : Services()) {
    if (info.name == service) {
      return absl::StrCat("127.0.0.1:", info.default_port);
    }
  }
  return "";
}

ServiceClient::ServiceClient(absl::string_view service, absl::Duration timeout)
    : service_(service),
      address_(ServiceAddress(service)),
      timeout_(timeout),
      channel_(MakeChannel(address_)) {}

absl::Status ServiceClient::Call(absl::FunctionRef<grpc::Status(grpc::ClientContext*)> rpc) {
  std::unique_ptr<grpc::ClientContext> context = NewCallContext(timeout_);
  grpc::Status status = rpc(context.get());
  if (status.ok()) return absl::OkStatus();
  const std::string hint = "is it running? start it with deploy/local/stack.sh start";
  switch (status.error_code()) {
    case grpc::StatusCode::UNAVAILABLE:
      // A service that answered (its channel is connected) keeps its own
      // words: the agenda service is UNAVAILABLE when registration cannot be
      // reached, and "cannot reach the agenda service" would then send people
      // to the wrong process.
      if (channel_->GetState(/*try_to_connect=*/false) == GRPC_CHANNEL_READY) {
        return FromGrpcStatus(status);
      }
      return absl::UnavailableError(
          absl::StrCat("cannot reach the ", service_, " service at ", address_, " (", hint, ")"));
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      return absl::DeadlineExceededError(
          absl::StrFormat("cannot reach the %s service at %s within %s (%s; a large import "
                          "may need a longer --timeout)",
                          service_, address_, absl::FormatDuration(timeout_), hint));
    default:
      // A service names the field at fault; an empty message is a fault of its own (such as a
      // method it does not implement), said as such rather than as an empty "error: ".
      if (status.error_message().empty()) {
        const absl::StatusCode code = static_cast<absl::StatusCode>(status.error_code());
        return absl::Status(code,
                            absl::StrCat("the ", service_, " service at ", address_, " answered ",
                                         absl::StatusCodeToString(code), " with no message"));
      }
      return FromGrpcStatus(status);
  }
}

}  // namespace convene::cli
