#include "services/survey/tokens.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>

#include "services/common/crypto.h"

namespace convene::survey {
namespace {

TEST(NewTokenTest, TwentySixBase32CharactersThatDoNotRepeat) {
  std::set<std::string> seen;
  for (int i = 0; i < 10000; ++i) {
    auto token = NewToken();
    ASSERT_TRUE(token.ok());
    ASSERT_EQ(token->size(), 26u);
    EXPECT_EQ(token->find_first_not_of("abcdefghijklmnopqrstuvwxyz234567"), std::string::npos);
    EXPECT_TRUE(seen.insert(*token).second);
  }
}

TEST(TokenHashTest, IsSha256OfTheNormalisedToken) {
  // Published SHA-256 test vector: "abc".
  EXPECT_EQ(TokenHash("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  // What people paste from an email still matches.
  EXPECT_EQ(TokenHash(" A-B c\n"), TokenHash("abc"));
  EXPECT_NE(TokenHash("abd"), TokenHash("abc"));
}

TEST(PairKeyTest, IsHmacSha256AndSeparatesScopesAndTokens) {
  const std::string secret = *NewSecret();
  EXPECT_EQ(secret.size(), 64u);
  EXPECT_EQ(PairKey(secret, "srv_a+srv_b", "par_1"), PairKey(secret, "srv_a+srv_b", "par_1"));
  EXPECT_NE(PairKey(secret, "srv_a+srv_b", "par_1"), PairKey(secret, "srv_a+srv_b", "par_2"));
  EXPECT_NE(PairKey(secret, "srv_a+srv_b", "par_1"), PairKey(secret, "srv_c+srv_d", "par_1"));
  EXPECT_NE(PairKey(secret, "s", "par_1"), PairKey(*NewSecret(), "s", "par_1"));
  // The token as typed: the same key however the person copies it.
  EXPECT_EQ(PairKey(secret, "s", "ABCD-EFGH"), PairKey(secret, "s", "abcdefgh"));
}

TEST(PairKeyTest, MatchesOpenSslCommandLine) {
  // printf 'a\nb' | openssl dgst -sha256 -hmac key
  EXPECT_EQ(PairKey("key", "a", "b"),
            "5460bc7da6ecb3a4b2c1470e0468f9debef55c0f1d60619e2b08ef89be62763d");
}

}  // namespace
}  // namespace convene::survey
