// What every service's operations do with requests the same way: required fields, update masks,
// page sizes and tokens, and idempotent replays of writes that carry a request_id.
#ifndef CONVENE_SERVICES_COMMON_REQUESTS_H_
#define CONVENE_SERVICES_COMMON_REQUESTS_H_

#include <cstdint>
#include <optional>
#include <set>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/field_mask.pb.h"
#include "google/protobuf/message.h"
#include "services/common/sqlite/database.h"
#include "services/common/status.h"

namespace convene {

// INVALID_ARGUMENT "<field>: is required" when `value` is empty. Every required field of a request
// is an id, a key or a token, so a value longer than kMaxKeyLength (limits.h) is refused too.
absl::Status Required(absl::string_view field, absl::string_view value);

// INVALID_ARGUMENT naming request_id when it is longer than kMaxKeyLength.
absl::Status CheckRequestId(absl::string_view request_id);

// Copies the fields named by `mask` (every one of `writable` when the mask is empty) from `source`
// onto `target`; repeated and message fields are replaced, not merged. INVALID_ARGUMENT naming
// update_mask for a path that is not writable.
absl::Status ApplyMask(const google::protobuf::Message& source,
                       const google::protobuf::FieldMask& mask,
                       const std::set<std::string>& writable, google::protobuf::Message* target);

// page_size as asked, 0 -> kDefaultPageSize (100), capped at kMaxPageSize (1000); INVALID_ARGUMENT
// when negative.
absl::StatusOr<int> PageSize(int requested);
// Page tokens are a store cursor (a positive row sequence number) in decimal: "" -> 0.
absl::StatusOr<int64_t> PageCursor(absl::string_view page_token);
std::string PageToken(int64_t next_cursor);

// The fingerprint a request's response is logged under: its deterministic serialization, hashed.
uint64_t RequestFingerprint(const google::protobuf::Message& request);

// A retried write: when request.request_id() was answered before (logged in `db` under `method`),
// fills `response` with that first answer and returns true. Call inside the write transaction.
// INVALID_ARGUMENT for a request_id longer than kMaxKeyLength.
template <typename Request, typename Response>
absl::StatusOr<bool> ReplayLoggedResponse(sqlite::Database& db, absl::string_view method,
                                          const Request& request, Response* response) {
  if (request.request_id().empty()) return false;
  CONVENE_RETURN_IF_ERROR(CheckRequestId(request.request_id()));
  CONVENE_ASSIGN_OR_RETURN(
      std::optional<std::string> logged,
      sqlite::FindLoggedResponse(db, method, request.request_id(), RequestFingerprint(request)));
  if (!logged) return false;
  if (!response->ParseFromString(*logged)) {
    return absl::DataLossError("storage: a logged response cannot be read");
  }
  return true;
}

// Logs `response` for request.request_id() (nothing when it has none), in the write transaction.
template <typename Request, typename Response>
absl::Status LogResponseFor(sqlite::Database& db, absl::string_view method, const Request& request,
                            const Response& response) {
  if (request.request_id().empty()) return absl::OkStatus();
  CONVENE_RETURN_IF_ERROR(CheckRequestId(request.request_id()));
  return sqlite::LogResponse(db, method, request.request_id(), RequestFingerprint(request),
                             response.SerializeAsString());
}

}  // namespace convene

#endif  // CONVENE_SERVICES_COMMON_REQUESTS_H_
