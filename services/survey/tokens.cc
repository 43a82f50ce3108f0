#include "services/survey/tokens.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "services/common/crypto.h"

namespace convene::survey {
namespace {

constexpr absl::string_view kBase32 = "abcdefghijklmnopqrstuvwxyz234567";

std::string Hex(const unsigned char* bytes, size_t size) {
  return absl::BytesToHexString(absl::string_view(reinterpret_cast<const char*>(bytes), size));
}

}  // namespace

absl::StatusOr<std::string> NewToken() {
  absl::StatusOr<std::string> random = RandomBytes(16);
  if (!random.ok()) return random.status();
  const std::string& bytes = *random;
  // 128 bits, 5 at a time: 26 characters (the last one carries 3 bits).
  std::string token;
  uint32_t buffer = 0;
  int bits = 0;
  for (char c : bytes) {
    const auto byte = static_cast<unsigned char>(c);
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      token.push_back(kBase32[(buffer >> (bits - 5)) & 31]);
      bits -= 5;
    }
  }
  if (bits > 0) token.push_back(kBase32[(buffer << (5 - bits)) & 31]);
  return token;
}

std::string NormalizeToken(absl::string_view token) {
  std::string normal;
  for (char c : token) {
    if (c == ' ' || c == '-' || c == '\t' || c == '\n' || c == '\r') continue;
    normal.push_back(absl::ascii_tolower(static_cast<unsigned char>(c)));
  }
  return normal;
}

std::string TokenHash(absl::string_view token) {
  return absl::BytesToHexString(Sha256(NormalizeToken(token)));
}

std::string PairKey(absl::string_view secret, absl::string_view scope, absl::string_view token) {
  const std::string message = absl::StrCat(scope, "\n", NormalizeToken(token));
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(message.data()), message.size(), digest, &size);
  return Hex(digest, size);
}

}  // namespace convene::survey
