#include "clients/cli/enums.h"

#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/strip.h"
#include "clients/cli/args.h"

namespace convene::cli {

absl::StatusOr<int> ParseEnumFlag(const google::protobuf::EnumDescriptor* type,
                                  absl::string_view flag, absl::string_view text) {
  std::string name = absl::AsciiStrToUpper(absl::StripAsciiWhitespace(text));
  if (name.empty()) return 0;
  absl::StrReplaceAll({{"-", "_"}, {" ", "_"}}, &name);
  const std::string prefix = EnumPrefix(type);
  // The full value name ("SECTOR_MEDIA") is accepted too, as the JSON output
  // shows it.
  if (!absl::StartsWith(name, prefix)) name = prefix + name;
  const google::protobuf::EnumValueDescriptor* value = type->FindValueByName(name);
  if (value == nullptr || value->number() == 0) {
    return UsageError(
        absl::StrCat("--", flag, " must be one of ", EnumChoices(type), ", not \"", text, "\""));
  }
  return value->number();
}

std::string EnumChoices(const google::protobuf::EnumDescriptor* type) {
  std::vector<std::string> names;
  for (int i = 0; i < type->value_count(); ++i) {
    if (type->value(i)->number() != 0) {
      names.push_back(EnumDisplayName(type, type->value(i)->name()));
    }
  }
  return absl::StrJoin(names, "|");
}

}  // namespace convene::cli
