#include "infrastructure/security/sodium_secret_generator.h"

#include <gtest/gtest.h>

#include <set>

namespace agentd {
namespace {

bool is_base64url(const std::string& text) {
  return text.find_first_not_of(
             "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") ==
         std::string::npos;
}

TEST(SodiumSecretGenerator, TokenIsUnpaddedBase64urlOfTheRequestedBytes) {
  SodiumSecretGenerator secrets;
  EXPECT_EQ(secrets.random_token(32).size(), 43u);  // ceil(32 * 4 / 3), no '='
  EXPECT_EQ(secrets.random_token(30).size(), 40u);
  EXPECT_EQ(secrets.random_token(1).size(), 2u);
  for (int i = 0; i < 100; ++i) {
    auto token = secrets.random_token(32);
    EXPECT_TRUE(is_base64url(token)) << token;
  }
}

TEST(SodiumSecretGenerator, TokensAreUnique) {
  SodiumSecretGenerator secrets;
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) seen.insert(secrets.random_token(16));
  EXPECT_EQ(seen.size(), 1000u);
}

TEST(SodiumSecretGenerator, DigestIsSha256InLowerCaseHex) {
  SodiumSecretGenerator secrets;
  EXPECT_EQ(secrets.digest("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(secrets.digest(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(SodiumSecretGenerator, DigestDependsOnEveryByte) {
  SodiumSecretGenerator secrets;
  EXPECT_NE(secrets.digest("sk-agentd-a"), secrets.digest("sk-agentd-b"));
  EXPECT_EQ(secrets.digest(std::string_view("a\0b", 3)).size(), 64u);
  EXPECT_NE(secrets.digest(std::string_view("a\0b", 3)), secrets.digest("a"));
}

}  // namespace
}  // namespace agentd
