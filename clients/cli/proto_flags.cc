#include "clients/cli/proto_flags.h"

#include <cstdlib>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "clients/cli/enums.h"
#include "google/protobuf/descriptor.h"
#include "services/common/status.h"

namespace convene::cli {
namespace {

using google::protobuf::FieldDescriptor;

const FieldDescriptor* Field(const google::protobuf::Descriptor* type, const FlagField& flag) {
  const FieldDescriptor* field = type->FindFieldByName(flag.field);
  // A misspelt field name is a programming error in this file's callers,
  // caught by the first run of the command.
  if (field == nullptr) {
    std::abort();
  }
  return field;
}

absl::Status SetField(const FlagField& flag, const FieldDescriptor* field,
                      const std::vector<std::string>& values, google::protobuf::Message* message) {
  const google::protobuf::Reflection* reflection = message->GetReflection();
  if (field->is_map()) {
    // Map entries are messages with a `key` and a `value` field.
    for (const std::string& text : values) {
      size_t eq = text.find('=');
      if (eq == std::string::npos || eq == 0) {
        return UsageError(
            absl::StrCat("--", flag.flag, " must be written key=value, not \"", text, "\""));
      }
      google::protobuf::Message* entry = reflection->AddMessage(message, field);
      const google::protobuf::Descriptor* entry_type = entry->GetDescriptor();
      entry->GetReflection()->SetString(
          entry, entry_type->FindFieldByName("key"),
          std::string(absl::StripAsciiWhitespace(text.substr(0, eq))));
      entry->GetReflection()->SetString(entry, entry_type->FindFieldByName("value"),
                                        text.substr(eq + 1));
    }
    return absl::OkStatus();
  }
  if (field->is_repeated()) {
    for (const std::string& text : values) {
      reflection->AddString(message, field, text);
    }
    return absl::OkStatus();
  }
  const std::string& text = values.back();
  switch (field->cpp_type()) {
    case FieldDescriptor::CPPTYPE_STRING:
      reflection->SetString(message, field, text);
      return absl::OkStatus();
    case FieldDescriptor::CPPTYPE_INT32: {
      int32_t number;
      if (!absl::SimpleAtoi(text, &number)) {
        return UsageError(
            absl::StrCat("--", flag.flag, " must be a whole number, not \"", text, "\""));
      }
      reflection->SetInt32(message, field, number);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_ENUM: {
      CONVENE_ASSIGN_OR_RETURN(int number, ParseEnumFlag(field->enum_type(), flag.flag, text));
      reflection->SetEnumValue(message, field, number);
      return absl::OkStatus();
    }
    default:
      std::abort();  // a field type no flag maps to; see the header
  }
}

}  // namespace

std::vector<FlagSpec> FlagSpecsFor(const google::protobuf::Descriptor* type,
                                   absl::Span<const FlagField> fields) {
  std::vector<FlagSpec> specs;
  for (const FlagField& flag : fields) {
    FlagSpec spec;
    spec.name = flag.flag;
    spec.kind =
        Field(type, flag)->is_repeated() ? FlagSpec::Kind::kRepeated : FlagSpec::Kind::kValue;
    specs.push_back(spec);
  }
  return specs;
}

absl::Status SetFieldsFromFlags(const ParsedArgs& args, absl::Span<const FlagField> fields,
                                google::protobuf::Message* message,
                                google::protobuf::FieldMask* mask) {
  for (const FlagField& flag : fields) {
    if (!args.Has(flag.flag)) continue;
    const FieldDescriptor* field = Field(message->GetDescriptor(), flag);
    CONVENE_RETURN_IF_ERROR(SetField(flag, field, args.GetAll(flag.flag), message));
    if (mask != nullptr) mask->add_paths(field->name());
  }
  return absl::OkStatus();
}

}  // namespace convene::cli
