// NormalizeCountry (services/registration/countries.h) on any text: every participant's country
// and every survey import's _country cell goes through it. What it returns must be an alpha-2 code
// of the table that maps to itself and to which its own name maps; text that is not UTF-8 matches
// nothing.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "fuzz/fuzz_support.h"
#include "services/registration/countries.h"

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  convene::fuzz::QuietProtobuf();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using convene::registration::CountryName;
  using convene::registration::NormalizeCountry;
  const absl::string_view text(reinterpret_cast<const char*>(data), size);
  (void)convene::registration::countries_internal::CountryKey(text);
  (void)CountryName(text);
  const std::optional<std::string> code = NormalizeCountry(text);
  if (!code) return 0;
  const std::string shown = absl::StrCat("\"", text, "\" -> ", *code);
  CONVENE_FUZZ_CHECK(convene::fuzz::IsUtf8(text), "text that is not UTF-8 matched: " + shown);
  CONVENE_FUZZ_CHECK(code->size() == 2 && absl::ascii_isupper(static_cast<unsigned char>((*code)[0])) &&
                         absl::ascii_isupper(static_cast<unsigned char>((*code)[1])),
                     "not an alpha-2 code: " + shown);
  const std::string name = CountryName(*code);
  CONVENE_FUZZ_CHECK(!name.empty(), "a code without a name: " + shown);
  CONVENE_FUZZ_CHECK(NormalizeCountry(*code) == *code, "the code maps elsewhere: " + shown);
  CONVENE_FUZZ_CHECK(NormalizeCountry(name) == *code,
                     absl::StrCat("its name \"", name, "\" maps elsewhere: ", shown));
  return 0;
}
