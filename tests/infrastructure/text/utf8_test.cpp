#include "infrastructure/text/utf8.h"

#include <gtest/gtest.h>

namespace agentd {
namespace {

TEST(Utf8, ValidTextIsUnchanged) { EXPECT_EQ(to_valid_utf8("héllo wörld ✓ 😀"), "héllo wörld ✓ 😀"); }

TEST(Utf8, InvalidBytesBecomeReplacementCharacters) {
  EXPECT_EQ(to_valid_utf8("caf\xE9!"), "caf\xEF\xBF\xBD!");                          // Latin-1 é
  EXPECT_EQ(to_valid_utf8("\xC0\xAF"), "\xEF\xBF\xBD\xEF\xBF\xBD");                  // overlong '/'
  EXPECT_EQ(to_valid_utf8("\xED\xA0\x80"), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");  // surrogate
}

TEST(Utf8, ValidityCheckAgreesWithTheReplacement) {
  EXPECT_TRUE(is_valid_utf8("héllo wörld ✓ 😀"));
  EXPECT_TRUE(is_valid_utf8(""));
  EXPECT_FALSE(is_valid_utf8("/v1/\xFF\xFE"));
  EXPECT_FALSE(is_valid_utf8("\xED\xA0\x80"));
  EXPECT_FALSE(is_valid_utf8("ok \xE2\x9C"));  // cut inside a character
}

TEST(Utf8, PartialLastCharacterIsDropped) {
  const std::string check = "ok \xE2\x9C\x93";  // ✓ is three bytes
  EXPECT_EQ(without_partial_last_character(check), check);
  EXPECT_EQ(without_partial_last_character(check.substr(0, 5)), "ok ");
  EXPECT_EQ(without_partial_last_character(check.substr(0, 4)), "ok ");
  EXPECT_EQ(without_partial_last_character("plain"), "plain");
}

}  // namespace
}  // namespace agentd
