#include "services/common/dates.h"

#include <cstdlib>
#include <filesystem>
#include <system_error>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"

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

namespace {

// An IANA zone name: parts of ASCII letters, digits, '_', '-' and '+' joined by single '/'
// ("Asia/Almaty", "America/Argentina/Buenos_Aires", "Etc/GMT+5"), naming a file of the zone
// database. Abseil's loader takes far more, so requests must not reach it unchecked: file paths
// ("/etc/localtime", "../x", "file:/x", any file or FIFO it can open), the name only up to a NUL
// ("Asia/Jakarta\0junk" loads Asia/Jakarta), "localtime" (the server's own zone) and
// "Fixed/UTC+hh:mm:ss"; and it keeps every name it was asked for, unknown ones included, for the
// life of the process, so arbitrary names would grow a service's memory without bound.
bool IsZoneName(absl::string_view name) {
  if (name.empty() || name == "localtime") return false;
  for (absl::string_view part : absl::StrSplit(name, '/')) {
    if (part.empty()) return false;
    for (char c : part) {
      if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-' &&
          c != '+') {
        return false;
      }
    }
  }
  // Only names of the database's files reach the loader (and its cache): $TZDIR, as Abseil reads
  // it, else Debian's tzdata.
  const char* dir = std::getenv("TZDIR");
  std::error_code error;
  return std::filesystem::is_regular_file(
      absl::StrCat(dir != nullptr && *dir != '\0' ? dir : "/usr/share/zoneinfo", "/", name), error);
}

}  // namespace

absl::StatusOr<absl::TimeZone> LoadZone(absl::string_view name, absl::string_view field) {
  absl::TimeZone zone;
  if (name.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ": is required (an IANA time zone such as Asia/Jakarta)"));
  }
  if (!IsZoneName(name) || !absl::LoadTimeZone(std::string(name), &zone)) {
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
