#include "clients/cli/command.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace convene::cli {

absl::StatusOr<std::string> RequiredFlag(const ParsedArgs& args, absl::string_view name) {
  std::string value = args.Get(name);
  if (value.empty()) {
    return UsageError(absl::StrCat("--", name, " is required"));
  }
  return value;
}

absl::StatusOr<int> IntFlag(const ParsedArgs& args, absl::string_view name, int fallback) {
  if (!args.Has(name)) return fallback;
  int value;
  if (!absl::SimpleAtoi(args.Get(name), &value) || value < 0) {
    return UsageError(
        absl::StrCat("--", name, " must be a whole number, not \"", args.Get(name), "\""));
  }
  return value;
}

}  // namespace convene::cli
