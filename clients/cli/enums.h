// Proto enums as people type and read them, derived from the enum's
// descriptor so that a value added to a .proto needs no change here.
//
// Every enum value carries its enum's name as an UPPER_SNAKE prefix
// (Sector -> SECTOR_CIVIL_SOCIETY, ParticipantStatus ->
// PARTICIPANT_STATUS_WAITLISTED). People type "civil-society", "civil society"
// or "Civil_Society", and read "civil-society".
#ifndef CONVENE_CLIENTS_CLI_ENUMS_H_
#define CONVENE_CLIENTS_CLI_ENUMS_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/descriptor.h"
#include "services/common/enum_names.h"

namespace convene::cli {

// The display forms live in services/common (the survey service stores attributes in them).
using ::convene::EnumDisplay;
using ::convene::EnumDisplayName;
using ::convene::EnumPrefix;

// The value `text` names: an empty text is the zero (unspecified) value. A
// usage error names `flag` and lists the valid values for anything else.
absl::StatusOr<int> ParseEnumFlag(const google::protobuf::EnumDescriptor* type,
                                  absl::string_view flag, absl::string_view text);

// The valid values in display form, for usage text: "in-person|online|hybrid".
std::string EnumChoices(const google::protobuf::EnumDescriptor* type);

}  // namespace convene::cli

#endif  // CONVENE_CLIENTS_CLI_ENUMS_H_
