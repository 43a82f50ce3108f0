// Identifiers for stored things: a short prefix naming the kind ("evt", "par")
// and 12 random characters from a 32-letter alphabet without look-alikes (60
// bits from the operating system's random source), so ids are unique across
// kinds and services, cannot be guessed from one another, and are easy to type.
#ifndef CONVENE_SERVICES_COMMON_IDS_H_
#define CONVENE_SERVICES_COMMON_IDS_H_

#include <string>

#include "absl/strings/string_view.h"

namespace convene {

// E.g. NewId("par") == "par_k3m9x2q7h4tw". Thread-safe.
std::string NewId(absl::string_view prefix);

// True when `id` has the shape NewId(prefix) produces.
bool HasIdShape(absl::string_view id, absl::string_view prefix);

}  // namespace convene

#endif  // CONVENE_SERVICES_COMMON_IDS_H_
