#include "infrastructure/text/word_lists.h"

#include <gtest/gtest.h>

namespace agentd {
namespace {

using namespace std::chrono_literals;
using Names = std::vector<std::string>;

TEST(SplitCommaList, TrimsItemsAndDropsEmptyOnes) {
  EXPECT_EQ(split_comma_list("a, b,,c "), (Names{"a", "b", "c"}));
  EXPECT_EQ(split_comma_list("calculator"), (Names{"calculator"}));
  EXPECT_EQ(split_comma_list(""), Names{});
  EXPECT_EQ(split_comma_list(" , "), Names{});
}

TEST(ParseDuration, TakesSecondsOrAUnit) {
  EXPECT_EQ(parse_duration("900"), 900s);
  EXPECT_EQ(parse_duration("900s"), 900s);
  EXPECT_EQ(parse_duration("15m"), 15min);
  EXPECT_EQ(parse_duration("2h"), 2h);
  EXPECT_EQ(parse_duration("30d"), 30 * 24h);
}

TEST(ParseDuration, RefusesAnythingElse) {
  for (const std::string_view text : {"", "d", "0", "0d", "-5m", "+5m", "1.5h", "5 m", "5w", "10y",
                                      "3651d", "99999999999999999"}) {
    EXPECT_EQ(parse_duration(text), std::nullopt) << "'" << text << "'";
  }
  EXPECT_EQ(parse_duration("3650d"), 3650 * 24h);
}

}  // namespace
}  // namespace agentd
