#include "services/registration/countries.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/string_view.h"

namespace convene::registration {
namespace {

using ::testing::Eq;
using ::testing::Optional;
using ::testing::SizeIs;

struct Case {
  const char* text;
  const char* code;
};

// Every form the registration service promises to understand.
constexpr Case kKnownForms[] = {
    // Codes, in any case.
    {"VN", "VN"},
    {"vn", "VN"},
    {"Vn", "VN"},
    {"VNM", "VN"},
    {"lao", "LA"},
    // iso-codes names, official names and common names.
    {"Viet Nam", "VN"},
    {"Socialist Republic of Viet Nam", "VN"},
    {"Vietnam", "VN"},
    {"Laos", "LA"},
    {"South Korea", "KR"},
    {"North Korea", "KP"},
    {"Malaysia", "MY"},
    {"Indonesia", "ID"},
    {"Thailand", "TH"},
    {"Philippines", "PH"},
    {"Singapore", "SG"},
    {"Cambodia", "KH"},
    {"Kazakhstan", "KZ"},
    {"Uzbekistan", "UZ"},
    {"Tajikistan", "TJ"},
    {"India", "IN"},
    // UN short forms.
    {"Lao PDR", "LA"},
    {"Lao People's Democratic Republic", "LA"},
    {"Timor-Leste", "TL"},
    {"Türkiye", "TR"},
    {"Turkiye", "TR"},
    {"Turkey", "TR"},
    {"Republic of Korea", "KR"},
    {"Democratic People's Republic of Korea", "KP"},
    {"State of Palestine", "PS"},
    {"Iran (Islamic Republic of)", "IR"},
    {"Bolivia (Plurinational State of)", "BO"},
    {"Republic of Moldova", "MD"},
    {"United Republic of Tanzania", "TZ"},
    {"Micronesia (Federated States of)", "FM"},
    {"Venezuela (Bolivarian Republic of)", "VE"},
    {"Russian Federation", "RU"},
    {"United Kingdom of Great Britain and Northern Ireland", "GB"},
    {"United States of America", "US"},
    {"Brunei Darussalam", "BN"},
    {"Brunei", "BN"},
    {"Myanmar", "MM"},
    {"Kyrgyzstan", "KG"},
    {"Kyrgyz Republic", "KG"},
    {"Côte d'Ivoire", "CI"},
    {"Cote d'Ivoire", "CI"},
    {"Czechia", "CZ"},
    {"Czech Republic", "CZ"},
    {"Netherlands (Kingdom of the)", "NL"},
    // iso-codes' own "X, Y" names.
    {"Korea, Republic of", "KR"},
    {"Palestine, State of", "PS"},
    {"Iran, Islamic Republic of", "IR"},
    // The script's short list of other usual forms.
    {"UK", "GB"},
    {"USA", "US"},
    {"Russia", "RU"},
    {"Swaziland", "SZ"},
    {"Macedonia", "MK"},
    {"Burma", "MM"},
    {"East Timor", "TL"},
    // Case, whitespace, accents, apostrophes and a leading "the".
    {"  viet   NAM  ", "VN"},
    {"Viet\tNam\n", "VN"},
    {"Viet\u00a0Nam", "VN"},
    {"Việt Nam", "VN"},
    {"TÜRKIYE", "TR"},
    {"CÔTE D’IVOIRE", "CI"},
    {"Lao People’s Democratic Republic", "LA"},
    {"lao people\u2018s democratic republic", "LA"},
    {"Åland Islands", "AX"},
    {"Aland Islands", "AX"},
    {"Curaçao", "CW"},
    {"Réunion", "RE"},
    {"São Tomé and Príncipe", "ST"},
    {"Saint Barthélemy", "BL"},
    {"The Gambia", "GM"},
    {"the Netherlands", "NL"},
    {"The Democratic Republic of the Congo", "CD"},
    {"the State of Palestine", "PS"},
};

TEST(NormalizeCountryTest, KnownForms) {
  for (const Case& c : kKnownForms) {
    EXPECT_THAT(NormalizeCountry(c.text), Optional(Eq(c.code))) << c.text;
  }
}

TEST(NormalizeCountryTest, UnknownOrAmbiguousIsNullopt) {
  for (absl::string_view text : {"Atlantis", "", "   ", "XX", "xx", "Korea", "korea", "Viet", "the",
                                 "The ", "Nam Viet", "V N", "Viet Nam, Socialist Republic of"}) {
    EXPECT_EQ(NormalizeCountry(text), std::nullopt) << text;
  }
}

TEST(NormalizeCountryTest, IllFormedUtf8MatchesNothing) {
  EXPECT_EQ(NormalizeCountry("Viet\xC3 Nam"), std::nullopt);
  EXPECT_EQ(NormalizeCountry("Viet Nam\xFF"), std::nullopt);
  EXPECT_EQ(NormalizeCountry("T\xC3\xBC\xC3rkiye"), std::nullopt);
  // An overlong "V".
  EXPECT_EQ(NormalizeCountry("\xC1\x96N"), std::nullopt);
  // A surrogate.
  EXPECT_EQ(NormalizeCountry("\xED\xA0\x80VN"), std::nullopt);
}

TEST(CountryNameTest, Names) {
  EXPECT_EQ(CountryName("VN"), "Viet Nam");
  EXPECT_EQ(CountryName("vn"), "Viet Nam");
  EXPECT_EQ(CountryName("KR"), "Korea, Republic of");
  EXPECT_EQ(CountryName("TR"), "Türkiye");
  EXPECT_EQ(CountryName("XX"), "");
  EXPECT_EQ(CountryName(""), "");
  EXPECT_EQ(CountryName("VNM"), "");
  EXPECT_EQ(CountryName("Viet Nam"), "");
}

TEST(CountryTableTest, HoldsEveryIsoCodesEntryOnce) {
  auto countries = countries_internal::Countries();
  ASSERT_THAT(countries, SizeIs(249));
  std::set<std::string> codes;
  for (const auto& row : countries) {
    const std::string code = row.code;
    EXPECT_THAT(code, SizeIs(2));
    EXPECT_EQ(code, absl::AsciiStrToUpper(code));
    EXPECT_TRUE(codes.insert(code).second) << code;
    EXPECT_STRNE(row.name, "") << code;
  }
  EXPECT_TRUE(std::is_sorted(codes.begin(), codes.end()));
  for (absl::string_view code : {"LA", "VN", "TL", "TR", "KR", "KP", "PS", "IR", "BO", "MD", "TZ",
                                 "FM", "VE", "RU", "GB", "US", "BN", "MM", "KG", "CI", "CZ", "NL",
                                 "MY", "ID", "TH", "PH", "SG", "KH", "KZ", "UZ", "TJ", "IN"}) {
    EXPECT_TRUE(codes.count(std::string(code))) << code;
  }
}

TEST(CountryTableTest, EveryCodeAndNameRoundTrips) {
  for (const auto& row : countries_internal::Countries()) {
    const std::string code = row.code;
    EXPECT_EQ(CountryName(code), row.name);
    EXPECT_THAT(NormalizeCountry(CountryName(code)), Optional(Eq(code))) << row.name;
    EXPECT_THAT(NormalizeCountry(code), Optional(Eq(code)));
    EXPECT_THAT(NormalizeCountry(absl::AsciiStrToLower(code)), Optional(Eq(code)));
  }
}

TEST(CountryTableTest, AliasesAreSortedUniqueKeysOfKnownCodes) {
  auto aliases = countries_internal::Aliases();
  ASSERT_FALSE(aliases.empty());
  for (size_t i = 0; i < aliases.size(); ++i) {
    const absl::string_view key = aliases[i].key;
    if (i > 0) {
      EXPECT_LT(absl::string_view(aliases[i - 1].key), key);
    }
    // A key is its own key: the generator and CountryKey() agree on it.
    EXPECT_EQ(countries_internal::CountryKey(key), key);
    EXPECT_NE(CountryName(aliases[i].code), "") << key;
    EXPECT_THAT(NormalizeCountry(key), Optional(Eq(aliases[i].code))) << key;
  }
}

// tools/gen_countries.py and countries.cc each hold the key rule; they must
// make the same key of every text the generator saw, including its probes of
// every folded code point.
TEST(CountryKeyTest, AgreesWithTheGenerator) {
  auto samples = countries_internal::KeySamples();
  // At least each country's alpha-2, alpha-3 and name.
  ASSERT_GE(samples.size(), 3 * countries_internal::Countries().size());
  for (const auto& sample : samples) {
    EXPECT_EQ(countries_internal::CountryKey(sample.text), sample.key) << sample.text;
  }
}

TEST(CountryKeyTest, Rule) {
  using countries_internal::CountryKey;
  EXPECT_EQ(CountryKey("üôéçåãí ÜÔÉÇÅÃÍ"), "uoecaai uoecaai");
  EXPECT_EQ(CountryKey("  A \t\r\n B\u00a0 C  "), "a b c");
  EXPECT_EQ(CountryKey("d’i d‘i dʼi d'i"), "d'i d'i d'i d'i");
  EXPECT_EQ(CountryKey("ÆßŒĲ"), "aessoeij");
  EXPECT_EQ(CountryKey("Ștefan Țara"), "stefan tara");
  EXPECT_EQ(CountryKey("The  the x"), "the x");
  EXPECT_EQ(CountryKey("theatre"), "theatre");
  // Letters without a fold are kept (but still not matched).
  EXPECT_EQ(CountryKey("中国 Ελλάδα"), "中国 Ελλάδα");
  EXPECT_EQ(CountryKey("×÷"), "×÷");
}

}  // namespace
}  // namespace convene::registration
