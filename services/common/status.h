// Status helpers shared by every service and client: the project's own versions
// of the status macros that Debian's Abseil (20220623) does not ship, and the
// single place where absl::Status and grpc::Status are converted into each
// other. The codes are the same numbers, so conversion keeps the code and the
// message and nothing else (ToGrpcStatus cuts a message longer than
// kMaxErrorMessageBytes, limits.h, so that it fits in the call's trailers).
#ifndef CONVENE_SERVICES_COMMON_STATUS_H_
#define CONVENE_SERVICES_COMMON_STATUS_H_

#include <grpcpp/support/status.h>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace convene {

grpc::Status ToGrpcStatus(const absl::Status& status);
absl::Status FromGrpcStatus(const grpc::Status& status);

}  // namespace convene

#define CONVENE_STATUS_CONCAT_INNER_(a, b) a##b
#define CONVENE_STATUS_CONCAT_(a, b) CONVENE_STATUS_CONCAT_INNER_(a, b)

// Returns from the enclosing function if `expr` (an absl::Status) is not OK.
#define CONVENE_RETURN_IF_ERROR(expr)                  \
  do {                                                 \
    ::absl::Status convene_status_ = (expr);           \
    if (!convene_status_.ok()) return convene_status_; \
  } while (0)

// `CONVENE_ASSIGN_OR_RETURN(auto x, StatusOrExpr());` declares or assigns `x`
// from the value, or returns the error from the enclosing function.
#define CONVENE_ASSIGN_OR_RETURN(lhs, expr) \
  CONVENE_ASSIGN_OR_RETURN_IMPL_(CONVENE_STATUS_CONCAT_(convene_statusor_, __LINE__), lhs, expr)
#define CONVENE_ASSIGN_OR_RETURN_IMPL_(statusor, lhs, expr) \
  auto statusor = (expr);                                   \
  if (!statusor.ok()) return std::move(statusor).status();  \
  lhs = std::move(statusor).value()

#endif  // CONVENE_SERVICES_COMMON_STATUS_H_
