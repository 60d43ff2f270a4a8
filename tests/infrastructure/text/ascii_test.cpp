#include "infrastructure/text/ascii.h"

#include <gtest/gtest.h>

namespace agentd {
namespace {

TEST(Ascii, LowerCasesOnlyAsciiLetters) {
  EXPECT_EQ(ascii_lower("Content-Type: TEXT/HTML"), "content-type: text/html");
  EXPECT_EQ(ascii_lower("ÉCOLE.Example"), "École.example");
}

}  // namespace
}  // namespace agentd
