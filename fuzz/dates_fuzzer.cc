// Days, local times and time zones as requests carry them (services/common/dates.h,
// services/agenda/session_rules.h): event dates, check-in days, session times and the time_zone of
// events and of every agenda view. The input is read whole by each parser, and also as up to three
// lines "zone\nlocal time\nday" so that fuzzed times meet fuzzed zones.
//
// Properties: a parsed day or local time prints back as the text (or, for a local time, parses
// back to itself); a zone is accepted only under an IANA name ("Area/Location", letters, digits,
// '_', '-', '+'; not a file path); a local time resolved in a zone shows that same local time.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "fuzz/fuzz_support.h"
#include "services/agenda/session_rules.h"
#include "services/common/dates.h"
#include "services/registration/rules.h"

namespace {

// What an IANA zone name looks like: components of [A-Za-z0-9_+-] joined by '/', none of them "."
// or "..", nothing before the first.
bool IanaShaped(absl::string_view name) {
  if (name.empty()) return false;
  for (absl::string_view part : absl::StrSplit(name, '/')) {
    if (part.empty() || part == "." || part == "..") return false;
    for (char c : part) {
      const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                      c == '_' || c == '-' || c == '+';
      if (!ok) return false;
    }
  }
  return true;
}

const std::vector<absl::TimeZone>& FixedZones() {
  static const auto* zones = [] {
    auto* z = new std::vector<absl::TimeZone>;
    // The demo's zone, then zones with daylight saving time: a usual one, a southern one whose
    // clocks changed at midnight, a half-hour change.
    for (const char* name : {"Asia/Kuala_Lumpur", "Europe/London", "America/Sao_Paulo",
                             "Australia/Lord_Howe"}) {
      absl::StatusOr<absl::TimeZone> zone = convene::LoadZone(name, "time_zone");
      if (!zone.ok()) convene::fuzz::Fail(__FILE__, __LINE__, zone.status().ToString());
      z->push_back(*zone);
    }
    return z;
  }();
  return *zones;
}

void CheckDay(absl::string_view text) {
  absl::StatusOr<absl::CivilDay> day = convene::ParseDay(text, "day");
  if (!day.ok()) {
    CONVENE_FUZZ_CHECK(absl::IsInvalidArgument(day.status()), day.status().ToString());
    return;
  }
  CONVENE_FUZZ_CHECK(convene::FormatDay(*day) == text,
                     absl::StrCat("\"", text, "\" parsed as ", convene::FormatDay(*day)));
  // A check-in day of the demo's event.
  (void)convene::registration::CheckInDay(convene::fuzz::DemoEvent(), text, *day);
}

void CheckZone(absl::string_view name, std::vector<absl::TimeZone>& zones) {
  absl::StatusOr<absl::TimeZone> zone = convene::LoadZone(name, "time_zone");
  if (!zone.ok()) {
    CONVENE_FUZZ_CHECK(absl::IsInvalidArgument(zone.status()), zone.status().ToString());
    return;
  }
  CONVENE_FUZZ_CHECK(IanaShaped(name), absl::StrCat("\"", name, "\" loaded as a time zone"));
  zones.push_back(*zone);
}

void CheckMinute(absl::string_view text, const std::vector<absl::TimeZone>& zones) {
  absl::StatusOr<absl::CivilMinute> minute = convene::agenda::ParseLocalMinute(text, "start");
  if (!minute.ok()) {
    CONVENE_FUZZ_CHECK(absl::IsInvalidArgument(minute.status()), minute.status().ToString());
    return;
  }
  const std::string printed = convene::agenda::FormatLocalMinute(*minute);
  absl::StatusOr<absl::CivilMinute> again = convene::agenda::ParseLocalMinute(printed, "start");
  CONVENE_FUZZ_CHECK(again.ok() && *again == *minute,
                     absl::StrCat("\"", text, "\" printed as \"", printed, "\" reads differently"));
  for (const absl::TimeZone& zone : zones) {
    absl::StatusOr<absl::Time> time =
        convene::agenda::ResolveLocal(*minute, zone, zone.name(), "start");
    if (!time.ok()) {
      CONVENE_FUZZ_CHECK(absl::IsInvalidArgument(time.status()), time.status().ToString());
      continue;
    }
    CONVENE_FUZZ_CHECK(absl::ToCivilMinute(*time, zone) == *minute,
                       absl::StrCat(printed, " in ", zone.name(), " resolves to ",
                                    absl::FormatTime(*time), ", which is ",
                                    convene::agenda::FormatLocalMinute(
                                        absl::ToCivilMinute(*time, zone)),
                                    " there"));
  }
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  convene::fuzz::QuietProtobuf();
  FixedZones();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::string_view text(reinterpret_cast<const char*>(data), size);
  std::vector<absl::TimeZone> zones = FixedZones();
  CheckZone(text, zones);
  CheckDay(text);
  CheckMinute(text, zones);

  std::vector<absl::string_view> lines = absl::StrSplit(text, absl::MaxSplits('\n', 2));
  if (lines.size() >= 2) {
    CheckZone(lines[0], zones);
    CheckMinute(lines[1], zones);
    if (lines.size() == 3) CheckDay(lines[2]);
  }
  return 0;
}
