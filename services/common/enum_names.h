// Proto enums as people type and read them, derived from the enum's descriptor so that a value
// added to a .proto needs no change elsewhere.
//
// Every enum value carries its enum's name as an UPPER_SNAKE prefix (Sector ->
// SECTOR_CIVIL_SOCIETY). The display form drops the prefix, lower-cases and uses hyphens:
// "civil-society". The CLI prints it, and the survey service stores respondents' coarse attributes
// in it, so reports read the same words everywhere. Pure and thread-safe.
#ifndef CONVENE_SERVICES_COMMON_ENUM_NAMES_H_
#define CONVENE_SERVICES_COMMON_ENUM_NAMES_H_

#include <string>

#include "absl/strings/string_view.h"
#include "google/protobuf/descriptor.h"

namespace convene {

// "ParticipantStatus" -> "PARTICIPANT_STATUS_".
std::string EnumPrefix(const google::protobuf::EnumDescriptor* type);

// "SECTOR_CIVIL_SOCIETY" -> "civil-society"; the zero value reads as "" and a name without the
// prefix is lower-cased as it is.
std::string EnumDisplayName(const google::protobuf::EnumDescriptor* type,
                            absl::string_view value_name);
// The display form of a value by number; an unknown number reads as the number.
std::string EnumDisplay(const google::protobuf::EnumDescriptor* type, int number);

}  // namespace convene

#endif  // CONVENE_SERVICES_COMMON_ENUM_NAMES_H_
