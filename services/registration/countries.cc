#include "services/registration/countries.h"

#include <algorithm>
#include <cstdint>
#include <iterator>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"

namespace convene::registration {
namespace countries_internal {
namespace {

// kCountryRows, kAliasRows and kKeySampleRows, from iso-codes.
#include "countries_data.inc"

// The key rule. tools/gen_countries.py holds the same rule in Python (its
// _SPECIAL_FOLDS, _FOLD_RANGES, _fold and country_key); change both together.
// countries_test checks that they agree on every text the generator saw.

struct SpecialFold {
  char32_t code_point;
  absl::string_view text;
};

// Whitespace, apostrophes, hyphens and letters that fold to two letters;
// checked before kFoldRanges.
constexpr SpecialFold kSpecialFolds[] = {
    {0x09, " "},   {0x0A, " "},   {0x0B, " "},   {0x0C, " "},   {0x0D, " "},   {0x20, " "},
    {0xA0, " "},   {0x2018, "'"}, {0x2019, "'"}, {0x02BC, "'"}, {0x2010, "-"}, {0x2011, "-"},
    {0xC6, "ae"},  {0xE6, "ae"},  {0xDE, "th"},  {0xFE, "th"},  {0xDF, "ss"},  {0x1E9E, "ss"},
    {0x132, "ij"}, {0x133, "ij"}, {0x152, "oe"}, {0x153, "oe"},
};

struct FoldRange {
  char32_t first;
  // One lower-case base letter per code point from `first`; '*' = no fold.
  absl::string_view letters;
};

constexpr FoldRange kFoldRanges[] = {
    {0x00C0,
     "aaaaaa*ceeeeiiiidnooooo*ouuuuy**"
     "aaaaaa*ceeeeiiiidnooooo*ouuuuy*y"},
    {0x0100,
     "aaaaaaccccccccddddeeeeeeeeeegggg"
     "gggghhhhiiiiiiiiii**jjkkklllllll"
     "lllnnnnnnnnnoooooo**rrrrrrssssss"
     "ssttttttuuuuuuuuuuuuwwyyyzzzzzzs"},
    {0x0218, "sstt"},
    {0x1E00,
     "aabbbbbbccddddddddddeeeeeeeeeeff"
     "gghhhhhhhhhhiiiikkkkkkllllllllmm"
     "mmmmnnnnnnnnoooooooopppprrrrrrrr"
     "ssssssssssttttttttuuuuuuuuuuvvvv"
     "wwwwwwwwwwxxxxyyzzzzzzhtwyas****"
     "aaaaaaaaaaaaaaaaaaaaaaaaeeeeeeee"
     "eeeeeeeeiiiioooooooooooooooooooo"
     "oooouuuuuuuuuuuuuuyyyyyyyy******"},
};

// The fold of `cp`, or an empty view when `cp` is kept as it is (apart from
// ASCII capitals, which the caller lowers).
absl::string_view Fold(char32_t cp) {
  for (const SpecialFold& special : kSpecialFolds) {
    if (special.code_point == cp) return special.text;
  }
  for (const FoldRange& range : kFoldRanges) {
    if (cp >= range.first && cp - range.first < range.letters.size()) {
      absl::string_view letter = range.letters.substr(cp - range.first, 1);
      return letter == "*" ? absl::string_view() : letter;
    }
  }
  return absl::string_view();
}

// The length of the well-formed UTF-8 sequence at the front of `text` (1 to
// 4) with its code point in `cp`, or 0 when the front is not well formed.
size_t DecodeUtf8(absl::string_view text, char32_t& cp) {
  const auto byte = [&](size_t i) { return static_cast<uint8_t>(text[i]); };
  const uint8_t lead = byte(0);
  if (lead < 0x80) {
    cp = lead;
    return 1;
  }
  size_t length = 0;
  char32_t min = 0;
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
    min = 0x80;
    cp = lead & 0x1F;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    min = 0x800;
    cp = lead & 0x0F;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    min = 0x10000;
    cp = lead & 0x07;
  } else {
    return 0;
  }
  if (text.size() < length) return 0;
  for (size_t i = 1; i < length; ++i) {
    if ((byte(i) & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (byte(i) & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return length;
}

// CountryKey(text) into `key`; false when `text` is not well-formed UTF-8.
bool MakeKey(absl::string_view text, std::string& key) {
  key.clear();
  key.reserve(text.size());
  bool valid = true;
  bool pending_space = false;
  const auto append = [&](absl::string_view piece) {
    if (pending_space) key.push_back(' ');
    pending_space = false;
    key.append(piece.data(), piece.size());
  };
  while (!text.empty()) {
    char32_t cp = 0;
    size_t length = DecodeUtf8(text, cp);
    if (length == 0) {
      valid = false;
      append(text.substr(0, 1));
      text.remove_prefix(1);
      continue;
    }
    absl::string_view folded = Fold(cp);
    if (folded == " ") {
      pending_space = !key.empty();
    } else if (!folded.empty()) {
      append(folded);
    } else if (cp >= 'A' && cp <= 'Z') {
      const char lower = static_cast<char>(cp - 'A' + 'a');
      append(absl::string_view(&lower, 1));
    } else {
      append(text.substr(0, length));
    }
    text.remove_prefix(length);
  }
  if (absl::StartsWith(key, "the ")) key.erase(0, 4);
  return valid;
}

}  // namespace

absl::Span<const CountryRow> Countries() { return kCountryRows; }
absl::Span<const AliasRow> Aliases() { return kAliasRows; }
absl::Span<const KeySampleRow> KeySamples() { return kKeySampleRows; }

std::string CountryKey(absl::string_view text) {
  std::string key;
  MakeKey(text, key);
  return key;
}

}  // namespace countries_internal

std::optional<std::string> NormalizeCountry(absl::string_view text) {
  using countries_internal::AliasRow;
  std::string key;
  if (!countries_internal::MakeKey(text, key) || key.empty()) {
    return std::nullopt;
  }
  absl::Span<const AliasRow> aliases = countries_internal::Aliases();
  auto it = std::lower_bound(
      aliases.begin(), aliases.end(), key,
      [](const AliasRow& row, absl::string_view k) { return absl::string_view(row.key) < k; });
  if (it == aliases.end() || absl::string_view(it->key) != key) {
    return std::nullopt;
  }
  return std::string(it->code);
}

std::string CountryName(absl::string_view code) {
  using countries_internal::CountryRow;
  if (code.size() != 2) return "";
  const std::string upper = absl::AsciiStrToUpper(code);
  absl::Span<const CountryRow> countries = countries_internal::Countries();
  auto it = std::lower_bound(
      countries.begin(), countries.end(), upper,
      [](const CountryRow& row, absl::string_view c) { return absl::string_view(row.code) < c; });
  if (it == countries.end() || absl::string_view(it->code) != upper) return "";
  return std::string(it->name);
}

}  // namespace convene::registration
