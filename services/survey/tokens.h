// Survey tokens and pseudonyms: the secrets that let a participant answer once, and the keys that
// pair a person's pre-test and post-test without naming them.
//
// - A token is 128 bits from the operating system (getrandom), written as 26 base32 characters.
//   Only its SHA-256 is stored, so a copy of the database cannot be used to answer.
// - A pair key is an HMAC-SHA-256, under the service's own secret, of the pair's scope (the linked
//   surveys) and the token: one token serves both tests of a pair, so the key is the same for one
//   person in both tests and differs across people and pairs. It is derived from the token, never
//   from the participant id, and the token is not stored: even with the database and the secret,
//   a pair key cannot be traced back to the person who holds the token.
// SHA-256 and HMAC come from OpenSSL's libcrypto (Debian's libssl-dev): cryptography is where a
// reviewed library clearly beats writing one's own. Thread-safe.
#ifndef CONVENE_SERVICES_SURVEY_TOKENS_H_
#define CONVENE_SERVICES_SURVEY_TOKENS_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace convene::survey {

// A fresh token. UNAVAILABLE if the operating system's random source fails.
absl::StatusOr<std::string> NewToken();

// A token as typed, lower-cased, with spaces and dashes removed (people copy tokens from emails).
std::string NormalizeToken(absl::string_view token);

// The stored form of a token: hex SHA-256 of NormalizeToken(token).
std::string TokenHash(absl::string_view token);

// Hex HMAC-SHA-256 of "<scope>\n<NormalizeToken(token)>" under `secret`.
std::string PairKey(absl::string_view secret, absl::string_view scope, absl::string_view token);

}  // namespace convene::survey

#endif  // CONVENE_SERVICES_SURVEY_TOKENS_H_
