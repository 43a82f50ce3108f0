#include "services/common/enum_names.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/strip.h"

namespace convene {

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

}  // namespace convene
