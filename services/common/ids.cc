#include "services/common/ids.h"

#include <mutex>
#include <random>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace convene {
namespace {

constexpr absl::string_view kAlphabet = "0123456789abcdefghjkmnpqrstvwxyz";
constexpr int kRandomChars = 12;

}  // namespace

std::string NewId(absl::string_view prefix) {
  static std::mutex mu;
  static std::random_device* device = new std::random_device();
  std::string id = absl::StrCat(prefix, "_");
  std::lock_guard<std::mutex> lock(mu);
  uint64_t bits = (static_cast<uint64_t>((*device)()) << 32) | (*device)();
  for (int i = 0; i < kRandomChars; ++i) {
    id.push_back(kAlphabet[bits & 31]);
    bits >>= 5;
  }
  return id;
}

bool HasIdShape(absl::string_view id, absl::string_view prefix) {
  if (id.size() != prefix.size() + 1 + kRandomChars) return false;
  if (!absl::StartsWith(id, prefix) || id[prefix.size()] != '_') return false;
  for (char c : id.substr(prefix.size() + 1)) {
    if (kAlphabet.find(c) == absl::string_view::npos) return false;
  }
  return true;
}

}  // namespace convene
