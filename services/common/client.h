// Client helpers: channels with the project's message limits, and call contexts
// that always carry a deadline (gRPC's advice: "Always set a deadline on
// RPCs"). Used by the CLI and by services that call other services.
#ifndef CONVENE_SERVICES_COMMON_CLIENT_H_
#define CONVENE_SERVICES_COMMON_CLIENT_H_

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "services/common/limits.h"

namespace convene {

// Calls between services default to this deadline.
inline constexpr absl::Duration kDefaultCallTimeout = absl::Seconds(10);

// PEM texts for TLS: the authority's certificate(s), and this side's own certificate and key (for
// mutual TLS; empty otherwise).
struct TlsFiles {
  std::string ca;
  std::string cert;
  std::string key;
};

// The text of the PEM file at `path`; FAILED_PRECONDITION naming it when it cannot be read or
// holds no PEM block.
absl::StatusOr<std::string> ReadPemFile(const std::string& path);

// Channels made after this use TLS, checking the server against `files.ca` (and presenting
// files.cert when set). Call before any channel is made.
void SetChannelTls(TlsFiles files);

// A channel to HOST:PORT that sends and accepts messages up to kMaxMessageBytes (limits.h): TLS
// when SetChannelTls was called, else plain (loopback and trusted networks only).
std::shared_ptr<grpc::Channel> MakeChannel(const std::string& address);
// The same with extra channel arguments (the message limits are set on top of them): a load
// generator makes distinct connections by giving each channel an argument of its own.
std::shared_ptr<grpc::Channel> MakeChannel(const std::string& address, grpc::ChannelArguments args);

// A fresh context whose deadline is `timeout` from now, carrying this process's credential
// (SetCallCredential, auth.h).
std::unique_ptr<grpc::ClientContext> NewCallContext(absl::Duration timeout = kDefaultCallTimeout);

// What a service reports when a call to another service failed: UNAVAILABLE naming `service` and
// `address` when it could not answer in time (down, unreachable, deadline passed), else the other
// service's own error (NOT_FOUND naming an id, ...).
absl::Status DependencyFailure(absl::string_view service, absl::string_view address,
                               const grpc::Status& status);

}  // namespace convene

#endif  // CONVENE_SERVICES_COMMON_CLIENT_H_
