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

std::string EnumPrefix(const google::protobuf::EnumDescriptor* type) {
  std::string prefix;
  const std::string& name = type->name();
  for (size_t i = 0; i < name.size(); ++i) {
    char c = name[i];
    if (i > 0 && absl::ascii_isupper(c) &&
        (absl::ascii_islower(name[i - 1]) || absl::ascii_isdigit(name[i - 1]))) {
      prefix.push_back('_');
    }
    prefix.push_back(absl::ascii_toupper(c));
  }
  prefix.push_back('_');
  return prefix;
}

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

std::string EnumDisplayName(const google::protobuf::EnumDescriptor* type,
                            absl::string_view value_name) {
  const google::protobuf::EnumValueDescriptor* value =
      type->FindValueByName(std::string(value_name));
  if (value != nullptr && value->number() == 0) return "";
  absl::ConsumePrefix(&value_name, EnumPrefix(type));
  std::string display = absl::AsciiStrToLower(value_name);
  absl::StrReplaceAll({{"_", "-"}}, &display);
  return display;
}

std::string EnumDisplay(const google::protobuf::EnumDescriptor* type, int number) {
  const google::protobuf::EnumValueDescriptor* value = type->FindValueByNumber(number);
  return value == nullptr ? absl::StrCat(number) : EnumDisplayName(type, value->name());
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
