// Filling a request message from flags, by reflection: each flag names a
// field of the message, and the field's type decides how its text is read
// (enums by their display names, see enums.h). Only the flags given are set,
// and their fields' proto names are added to the update mask, so `update`
// commands change exactly what the user typed.
#ifndef CONVENE_CLIENTS_CLI_PROTO_FLAGS_H_
#define CONVENE_CLIENTS_CLI_PROTO_FLAGS_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/types/span.h"
#include "clients/cli/args.h"
#include "google/protobuf/field_mask.pb.h"
#include "google/protobuf/message.h"

namespace convene::cli {

struct FlagField {
  std::string flag;   // "timezone"
  std::string field;  // "time_zone"
};

// The command-line spec for each flag: repeated fields and maps take the flag
// any number of times.
std::vector<FlagSpec> FlagSpecsFor(const google::protobuf::Descriptor* type,
                                   absl::Span<const FlagField> fields);

// Sets `message`'s field for every flag of `fields` that `args` holds, and
// appends the field's name to `mask` when `mask` is not null. Supported field
// types: string, int32, enum, repeated string, and map<string, string>
// (written key=value). Usage errors name the flag.
absl::Status SetFieldsFromFlags(const ParsedArgs& args, absl::Span<const FlagField> fields,
                                google::protobuf::Message* message,
                                google::protobuf::FieldMask* mask);

}  // namespace convene::cli

#endif  // CONVENE_CLIENTS_CLI_PROTO_FLAGS_H_
