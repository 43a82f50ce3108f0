#include "services/common/requests.h"

#include <algorithm>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"
#include "google/protobuf/util/field_mask_util.h"
#include "services/common/limits.h"

namespace convene {

absl::Status Required(absl::string_view field, absl::string_view value) {
  if (value.empty()) return absl::InvalidArgumentError(absl::StrCat(field, ": is required"));
  return CheckLength(field, value, kMaxKeyLength);
}

absl::Status CheckRequestId(absl::string_view request_id) {
  return CheckLength("request_id", request_id, kMaxKeyLength);
}

absl::Status ApplyMask(const google::protobuf::Message& source,
                       const google::protobuf::FieldMask& mask,
                       const std::set<std::string>& writable, google::protobuf::Message* target) {
  using google::protobuf::util::FieldMaskUtil;
  google::protobuf::FieldMask effective = mask;
  if (effective.paths().empty()) {
    for (const std::string& path : writable) effective.add_paths(path);
  }
  for (const std::string& path : effective.paths()) {
    if (!writable.count(path)) {
      return absl::InvalidArgumentError(
          absl::StrCat("update_mask: \"", path,
                       "\" cannot be changed (writable: ", absl::StrJoin(writable, ", "), ")"));
    }
  }
  FieldMaskUtil::MergeOptions options;
  options.set_replace_message_fields(true);
  options.set_replace_repeated_fields(true);
  FieldMaskUtil::MergeMessageTo(source, effective, options, target);
  return absl::OkStatus();
}

absl::StatusOr<int> PageSize(int requested) {
  if (requested < 0) {
    return absl::InvalidArgumentError(absl::StrCat("page_size: ", requested, " is negative"));
  }
  if (requested == 0) return kDefaultPageSize;
  return std::min(requested, kMaxPageSize);
}

absl::StatusOr<int64_t> PageCursor(absl::string_view page_token) {
  if (page_token.empty()) return 0;
  int64_t cursor;
  if (!absl::SimpleAtoi(page_token, &cursor) || cursor <= 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("page_token: \"", page_token, "\" is not a token this service issued"));
  }
  return cursor;
}

std::string PageToken(int64_t next_cursor) {
  return next_cursor == 0 ? "" : absl::StrCat(next_cursor);
}

uint64_t RequestFingerprint(const google::protobuf::Message& request) {
  std::string bytes;
  {
    google::protobuf::io::StringOutputStream stream(&bytes);
    google::protobuf::io::CodedOutputStream output(&stream);
    output.SetSerializationDeterministic(true);
    request.SerializeToCodedStream(&output);
  }
  return sqlite::Fingerprint(bytes);
}

}  // namespace convene
