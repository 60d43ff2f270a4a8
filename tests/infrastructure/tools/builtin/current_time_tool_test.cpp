// current_time: the clock's instant in the asked IANA zone, with that zone's offset on that date.
#include "infrastructure/tools/builtin/current_time_tool.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "fakes/fake_clock.h"
#include "fakes/run_sync.h"

namespace agentd {
namespace {

using std::chrono::seconds;
using ::testing::HasSubstr;

constexpr std::int64_t kWinterNoonUtc = 1'736'942'400;  // 2025-01-15T12:00:00Z
constexpr std::int64_t kSummerNoonUtc = 1'752'580'800;  // 2025-07-15T12:00:00Z

class CurrentTimeToolTest : public ::testing::Test {
 protected:
  Result<boost::json::value> now_in(boost::json::object arguments) {
    CurrentTimeTool tool(CurrentTimeTool::default_spec(), clock_);
    return run_sync(tool.execute(std::move(arguments), ToolContext{"user-1", std::nullopt}));
  }
  void set_clock(std::int64_t unix_seconds) {
    clock_.set(FakeClock::time_point(seconds(unix_seconds)));
  }
  // The tool's answer for Europe/Paris at that instant; null when it failed.
  boost::json::value paris_at(std::int64_t unix_seconds) {
    set_clock(unix_seconds);
    auto result = now_in({{"timezone", "Europe/Paris"}});
    EXPECT_TRUE(result) << result.error().message;
    return result ? *result : boost::json::value();
  }

  FakeClock clock_;
};

TEST_F(CurrentTimeToolTest, DefaultsToUtc) {
  set_clock(kWinterNoonUtc);

  auto result = now_in({});

  ASSERT_TRUE(result) << result.error().message;
  EXPECT_EQ(*result, boost::json::parse(R"({
    "timezone": "UTC",
    "datetime": "2025-01-15T12:00:00+00:00",
    "utc": "2025-01-15T12:00:00Z",
    "unix": 1736942400,
    "abbreviation": "UTC"
  })"));
}

TEST_F(CurrentTimeToolTest, ParisIsOneHourAheadInWinter) {
  EXPECT_EQ(paris_at(kWinterNoonUtc), boost::json::parse(R"({
    "timezone": "Europe/Paris",
    "datetime": "2025-01-15T13:00:00+01:00",
    "utc": "2025-01-15T12:00:00Z",
    "unix": 1736942400,
    "abbreviation": "CET"
  })"));
}

TEST_F(CurrentTimeToolTest, ParisIsTwoHoursAheadInSummer) {
  EXPECT_EQ(paris_at(kSummerNoonUtc), boost::json::parse(R"({
    "timezone": "Europe/Paris",
    "datetime": "2025-07-15T14:00:00+02:00",
    "utc": "2025-07-15T12:00:00Z",
    "unix": 1752580800,
    "abbreviation": "CEST"
  })"));
}

TEST_F(CurrentTimeToolTest, ZonesWestOfUtcHaveANegativeOffset) {
  set_clock(kWinterNoonUtc);

  auto result = now_in({{"timezone", "America/St_Johns"}});  // UTC-03:30 in January

  ASSERT_TRUE(result) << result.error().message;
  EXPECT_EQ(result->at("datetime"), "2025-01-15T08:30:00-03:30");
}

TEST_F(CurrentTimeToolTest, DropsFractionsOfASecond) {
  clock_.set(FakeClock::time_point(seconds(kWinterNoonUtc) + std::chrono::milliseconds(999)));

  auto result = now_in({});

  ASSERT_TRUE(result) << result.error().message;
  EXPECT_EQ(result->at("utc"), "2025-01-15T12:00:00Z");
}

TEST_F(CurrentTimeToolTest, UnknownZoneIsAToolError) {
  auto result = now_in({{"timezone", "Mars/Olympus_Mons"}});

  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().kind, ErrorCode::unprocessable);
  EXPECT_EQ(result.error().code, "tool_error");
  EXPECT_THAT(result.error().message, HasSubstr("Mars/Olympus_Mons"));
}

}  // namespace
}  // namespace agentd
