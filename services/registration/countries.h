// Countries as the registration service stores them: ISO 3166-1 alpha-2 codes
// ("VN"), with names from Debian's iso-codes (the table is generated at build
// time by tools/gen_countries.py; nothing here is typed by hand but a few
// UN/common forms listed in that script).
//
// Text is matched through a key: case-insensitive, surrounding whitespace
// ignored, inner runs of whitespace (including U+00A0) collapsed, accented
// Latin letters folded to their base letters ("Türkiye" = "Turkiye"), ’ and ‘
// the same as ', and one leading "the " ignored ("The Gambia" = "Gambia").
// Text that is not well-formed UTF-8 matches nothing.
//
// Every function is pure and thread-safe: the tables are constant data.
#ifndef CONVENE_SERVICES_REGISTRATION_COUNTRIES_H_
#define CONVENE_SERVICES_REGISTRATION_COUNTRIES_H_

#include <optional>
#include <string>

#include "absl/strings/string_view.h"
#include "absl/types/span.h"

namespace convene::registration {

// The ISO 3166-1 alpha-2 code for `text`, or std::nullopt when no country
// matches. `text` may be an alpha-2 or alpha-3 code, the English short name
// ("Viet Nam"), the official name ("Socialist Republic of Viet Nam"), the
// common name ("Vietnam"), a UN form ("Iran (Islamic Republic of)", "Republic
// of Korea", "Lao PDR") or a few other usual forms ("Turkey", "Burma").
// Ambiguous text ("Korea") matches nothing.
std::optional<std::string> NormalizeCountry(absl::string_view text);

// The English short name of an alpha-2 code (e.g. "VN" -> "Viet Nam"), or ""
// when unknown. The code is matched ignoring ASCII case.
std::string CountryName(absl::string_view code);

// For tests: the generated tables and the key rule behind NormalizeCountry.
namespace countries_internal {

struct CountryRow {
  const char* code;  // Alpha-2, upper case.
  const char* name;  // iso-codes "name", UTF-8.
};

struct AliasRow {
  const char* key;  // CountryKey() of some name or code.
  const char* code;
};

struct KeySampleRow {
  const char* text;  // A text tools/gen_countries.py made a key of...
  const char* key;   // ...and the key it made.
};

// Every country, by code.
absl::Span<const CountryRow> Countries();
// Every alias, by key (bytewise), keys unique.
absl::Span<const AliasRow> Aliases();
// What the generator's key rule made of each text it saw.
absl::Span<const KeySampleRow> KeySamples();

// The lookup key of `text` (see the top of this file). Bytes that are not
// well-formed UTF-8 are kept as they are.
std::string CountryKey(absl::string_view text);

}  // namespace countries_internal
}  // namespace convene::registration

#endif  // CONVENE_SERVICES_REGISTRATION_COUNTRIES_H_
