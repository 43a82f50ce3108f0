// GoogleTest matchers for statuses (Debian's Abseil has none):
//   EXPECT_THAT(status, StatusIs(absl::StatusCode::kInvalidArgument,
//   HasSubstr("email"))); EXPECT_THAT(grpc_status,
//   GrpcStatusIs(grpc::StatusCode::NOT_FOUND));
#ifndef CONVENE_SERVICES_COMMON_TESTING_STATUS_MATCHERS_H_
#define CONVENE_SERVICES_COMMON_TESTING_STATUS_MATCHERS_H_

#include <gmock/gmock.h>
#include <grpcpp/support/status.h>

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace convene::testing {

inline const absl::Status& GetStatus(const absl::Status& status) { return status; }
template <typename T>
const absl::Status& GetStatus(const absl::StatusOr<T>& status_or) {
  return status_or.status();
}

MATCHER_P2(StatusIs, code, message_matcher, "") {
  const absl::Status& status = GetStatus(arg);
  *result_listener << "status is " << status;
  return status.code() == code &&
         ::testing::ExplainMatchResult(message_matcher, std::string(status.message()),
                                       result_listener);
}

MATCHER(IsOk, "") {
  const absl::Status& status = GetStatus(arg);
  *result_listener << "status is " << status;
  return status.ok();
}

MATCHER_P2(GrpcStatusIs, code, message_matcher, "") {
  *result_listener << "status is " << arg.error_code() << ": " << arg.error_message();
  return arg.error_code() == code &&
         ::testing::ExplainMatchResult(message_matcher, arg.error_message(), result_listener);
}

}  // namespace convene::testing

#endif  // CONVENE_SERVICES_COMMON_TESTING_STATUS_MATCHERS_H_
