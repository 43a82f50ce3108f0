// Calendar days and time zones as the services exchange them: days are
// "YYYY-MM-DD" strings, zones are IANA names resolved against the system zone
// database (Debian's tzdata) through Abseil.
#ifndef CONVENE_SERVICES_COMMON_DATES_H_
#define CONVENE_SERVICES_COMMON_DATES_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "google/protobuf/timestamp.pb.h"

namespace convene {

// Parses "YYYY-MM-DD" (a real calendar day). INVALID_ARGUMENT names `field`
// otherwise.
absl::StatusOr<absl::CivilDay> ParseDay(absl::string_view text, absl::string_view field);
std::string FormatDay(absl::CivilDay day);

// Loads an IANA zone such as "Asia/Almaty". INVALID_ARGUMENT names `field` when
// the zone is unknown or `name` is not a zone name (a path, "localtime", a fixed
// offset, text with a NUL: forms Abseil's loader would otherwise take).
absl::StatusOr<absl::TimeZone> LoadZone(absl::string_view name, absl::string_view field);

void ToTimestamp(absl::Time time, google::protobuf::Timestamp* timestamp);
absl::Time FromTimestamp(const google::protobuf::Timestamp& timestamp);
// True when the timestamp is set (not the zero 1970-01-01T00:00:00Z proto3 default).
bool IsSet(const google::protobuf::Timestamp& timestamp);

}  // namespace convene

#endif  // CONVENE_SERVICES_COMMON_DATES_H_
