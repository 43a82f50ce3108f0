#include "services/survey/tokens.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <sys/random.h>

#include <cerrno>
#include <cstring>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"

namespace convene::survey {
namespace {

constexpr absl::string_view kBase32 = "abcdefghijklmnopqrstuvwxyz234567";

absl::Status FillRandom(unsigned char* out, size_t size) {
  size_t filled = 0;
  while (filled < size) {
    const ssize_t got = getrandom(out + filled, size - filled, 0);
    if (got < 0) {
      if (errno == EINTR) continue;
      return absl::UnavailableError(
          absl::StrCat("the operating system's random source failed: ", std::strerror(errno)));
    }
    filled += static_cast<size_t>(got);
  }
  return absl::OkStatus();
}

std::string Hex(const unsigned char* bytes, size_t size) {
  return absl::BytesToHexString(absl::string_view(reinterpret_cast<const char*>(bytes), size));
}

}  // namespace

absl::StatusOr<std::string> NewToken() {
  unsigned char bytes[16];
  absl::Status status = FillRandom(bytes, sizeof(bytes));
  if (!status.ok()) return status;
  // 128 bits, 5 at a time: 26 characters (the last one carries 3 bits).
  std::string token;
  uint32_t buffer = 0;
  int bits = 0;
  for (unsigned char byte : bytes) {
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

absl::StatusOr<std::string> NewSecret() {
  unsigned char bytes[32];
  absl::Status status = FillRandom(bytes, sizeof(bytes));
  if (!status.ok()) return status;
  return Hex(bytes, sizeof(bytes));
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
  const std::string normal = NormalizeToken(token);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  EVP_Digest(normal.data(), normal.size(), digest, &size, EVP_sha256(), nullptr);
  return Hex(digest, size);
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
