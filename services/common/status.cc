#include "services/common/status.h"

#include <string>

#include "services/common/limits.h"

namespace convene {

grpc::Status ToGrpcStatus(const absl::Status& status) {
  if (status.ok()) return grpc::Status::OK;
  // Shortened, so that an error quoting a huge input still fits in the call's trailers.
  return grpc::Status(static_cast<grpc::StatusCode>(status.code()),
                      ShortenErrorMessage(status.message()));
}

absl::Status FromGrpcStatus(const grpc::Status& status) {
  if (status.ok()) return absl::OkStatus();
  return absl::Status(static_cast<absl::StatusCode>(status.error_code()), status.error_message());
}

}  // namespace convene
