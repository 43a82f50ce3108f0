// The few cryptographic primitives Convene needs, from OpenSSL's libcrypto (already on every
// machine that has gRPC): random bytes from the operating system, SHA-256, and comparison in
// constant time. Secrets are 256 random bits, so a plain SHA-256 digest is enough to store them
// (there is nothing to brute-force, unlike a password).
#ifndef CONVENE_SERVICES_COMMON_CRYPTO_H_
#define CONVENE_SERVICES_COMMON_CRYPTO_H_

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace convene {

// `size` bytes from getrandom(2). UNAVAILABLE when the operating system cannot give them.
absl::StatusOr<std::string> RandomBytes(size_t size);

// 32 random bytes as 64 lowercase hex digits.
absl::StatusOr<std::string> NewSecret();

// The 32-byte SHA-256 digest of `data` (raw bytes; absl::BytesToHexString for text).
std::string Sha256(absl::string_view data);

// a == b, taking the same time whatever the bytes (only the lengths may leak).
bool ConstantTimeEqual(absl::string_view a, absl::string_view b);

}  // namespace convene

#endif  // CONVENE_SERVICES_COMMON_CRYPTO_H_
