#include "domain/identity/password_policy.h"

#include <gtest/gtest.h>

#include <string>

namespace agentd {
namespace {

TEST(PasswordPolicy, AcceptsEightCharacters) { EXPECT_TRUE(check_password_policy("abcdefgh")); }

TEST(PasswordPolicy, RejectsSevenCharactersAsTooShort) {
  auto status = check_password_policy("abcdefg");
  ASSERT_FALSE(status);
  EXPECT_EQ(status.error().kind, ErrorCode::invalid_request);
  EXPECT_EQ(status.error().param, "password");
  EXPECT_EQ(status.error().code, "password_too_short");
}

TEST(PasswordPolicy, CountsCodePointsNotBytes) {
  // Seven two-byte characters: 14 bytes, but only 7 characters.
  EXPECT_FALSE(check_password_policy("\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9"));
  // Eight characters mixing one-, two-, three- and four-byte sequences.
  EXPECT_TRUE(check_password_policy("a\u00e9\u20ac\U0001F600bcde"));
}

TEST(PasswordPolicy, AcceptsExactly1024Bytes) {
  EXPECT_TRUE(check_password_policy(std::string(1024, 'x')));
}

TEST(PasswordPolicy, RejectsMoreThan1024Bytes) {
  auto status = check_password_policy(std::string(1025, 'x'));
  ASSERT_FALSE(status);
  EXPECT_EQ(status.error().param, "password");
  EXPECT_EQ(status.error().code, "password_too_long");
}

}  // namespace
}  // namespace agentd
