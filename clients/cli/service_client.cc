#include "clients/cli/service_client.h"

#include <unistd.h>

#include <cstdlib>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/strip.h"
#include "services/common/auth.h"
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

namespace {

std::string Env(const char* name) {
  const char* value = std::getenv(name);
  return value == nullptr ? "" : value;
}

}  // namespace

absl::Status LoadCredentials() {
  if (std::string token = Env("CONVENE_TOKEN"); !token.empty()) {
    SetCallCredential(std::string(absl::StripAsciiWhitespace(token)));
  } else if (std::string path = Env("CONVENE_TOKEN_FILE"); !path.empty()) {
    CONVENE_ASSIGN_OR_RETURN(std::string from_file, ReadCredentialFile(path));
    SetCallCredential(from_file);
  } else if (std::string home = Env("HOME"); !home.empty()) {
    const std::string fallback = absl::StrCat(home, "/.config/convene/token");
    if (access(fallback.c_str(), F_OK) == 0) {
      CONVENE_ASSIGN_OR_RETURN(std::string from_file, ReadCredentialFile(fallback));
      SetCallCredential(from_file);
    }
  }
  if (std::string ca = Env("CONVENE_TLS_CA"); !ca.empty()) {
    TlsFiles tls;
    CONVENE_ASSIGN_OR_RETURN(tls.ca, ReadPemFile(ca));
    const std::string cert = Env("CONVENE_TLS_CERT"), key = Env("CONVENE_TLS_KEY");
    if (cert.empty() != key.empty()) {
      return absl::FailedPreconditionError("CONVENE_TLS_CERT and CONVENE_TLS_KEY go together");
    }
    if (!cert.empty()) {
      CONVENE_ASSIGN_OR_RETURN(tls.cert, ReadPemFile(cert));
      CONVENE_ASSIGN_OR_RETURN(tls.key, ReadPemFile(key));
    }
    SetChannelTls(tls);
  }
  return absl::OkStatus();
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
