// Events and participants as the convene command shows them: a record for
// `show`, table rows for `list`, and CSV whose column names are the proto
// field names (so an exported participant list can be imported again).
#ifndef CONVENE_CLIENTS_CLI_REGISTRATION_OUTPUT_H_
#define CONVENE_CLIENTS_CLI_REGISTRATION_OUTPUT_H_

#include <string>

#include "clients/cli/output.h"
#include "convene/registration/v1/registration.pb.h"
#include "google/protobuf/repeated_ptr_field.h"

namespace convene::cli {

namespace registration = ::convene::registration::v1;

// Every field of the event, one per line.
std::string EventRecord(const registration::Event& event);
// One row per event: id, title, dates, place, capacity (for table output) or
// every field (for CSV).
Table EventTable(const google::protobuf::RepeatedPtrField<registration::Event>& events,
                 OutputFormat format);

std::string ParticipantRecord(const registration::Participant& participant);
// Table output: id, name, country, organization, sector, role, status. CSV:
// every field, then one column per attribute key.
Table ParticipantTable(
    const google::protobuf::RepeatedPtrField<registration::Participant>& participants,
    OutputFormat format);

// "civil-society", "waitlisted", ... (enums.h) for a participant's fields.
std::string StatusName(registration::ParticipantStatus status);

// "promoted from the waitlist: NAME (ID)\n".
std::string PromotedLine(const registration::Participant& participant);

}  // namespace convene::cli

#endif  // CONVENE_CLIENTS_CLI_REGISTRATION_OUTPUT_H_
