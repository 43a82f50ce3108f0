// Client helpers: channels with the project's message limits, and call contexts
// that always carry a deadline (gRPC's advice: "Always set a deadline on
// RPCs"). Used by the CLI and by services that call other services.
#ifndef CONVENE_SERVICES_COMMON_CLIENT_H_
#define CONVENE_SERVICES_COMMON_CLIENT_H_

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "services/common/limits.h"

namespace convene {

// Calls between services default to this deadline.
inline constexpr absl::Duration kDefaultCallTimeout = absl::Seconds(10);

// An insecure channel to HOST:PORT that sends and accepts messages up to
// kMaxMessageBytes (limits.h).
std::shared_ptr<grpc::Channel> MakeChannel(const std::string& address);

// A fresh context whose deadline is `timeout` from now.
std::unique_ptr<grpc::ClientContext> NewCallContext(absl::Duration timeout = kDefaultCallTimeout);

// What a service reports when a call to another service failed: UNAVAILABLE naming `service` and
// `address` when it could not answer in time (down, unreachable, deadline passed), else the other
// service's own error (NOT_FOUND naming an id, ...).
absl::Status DependencyFailure(absl::string_view service, absl::string_view address,
                               const grpc::Status& status);

}  // namespace convene

#endif  // CONVENE_SERVICES_COMMON_CLIENT_H_
