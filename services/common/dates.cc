#include "services/common/dates.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace convene {

absl::StatusOr<absl::CivilDay> ParseDay(absl::string_view text, absl::string_view field) {
  absl::CivilDay day;
  // ParseCivilTime normalises out-of-range fields ("2024-02-30" -> March 1st);
  // a round trip rejects them.
  if (text.size() != 10 || !absl::ParseCivilTime(text, &day) || FormatDay(day) != text) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ": \"", text, "\" is not a date of the form YYYY-MM-DD"));
  }
  return day;
}

std::string FormatDay(absl::CivilDay day) {
  return absl::StrFormat("%04d-%02d-%02d", day.year(), day.month(), day.day());
}

absl::StatusOr<absl::TimeZone> LoadZone(absl::string_view name, absl::string_view field) {
  absl::TimeZone zone;
  if (name.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ": is required (an IANA time zone such as Asia/Jakarta)"));
  }
  if (!absl::LoadTimeZone(std::string(name), &zone)) {
    return absl::InvalidArgumentError(absl::StrCat(
        field, ": \"", name, "\" is not a known IANA time zone (such as Asia/Jakarta)"));
  }
  return zone;
}

void ToTimestamp(absl::Time time, google::protobuf::Timestamp* timestamp) {
  const int64_t micros = absl::ToUnixMicros(time);
  timestamp->set_seconds(micros / 1000000);
  timestamp->set_nanos(static_cast<int32_t>(micros % 1000000) * 1000);
}

absl::Time FromTimestamp(const google::protobuf::Timestamp& timestamp) {
  return absl::FromUnixSeconds(timestamp.seconds()) + absl::Nanoseconds(timestamp.nanos());
}

bool IsSet(const google::protobuf::Timestamp& timestamp) {
  return timestamp.seconds() != 0 || timestamp.nanos() != 0;
}

}  // namespace convene
