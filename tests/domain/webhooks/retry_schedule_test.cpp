#include "domain/webhooks/retry_schedule.h"

#include <gtest/gtest.h>

namespace agentd {
namespace {

using namespace std::chrono_literals;

const RetrySchedule kSchedule{30s, 1h, 24h};
const Timestamp kEvent{std::chrono::seconds(1'800'000'000)};

TEST(RetrySchedule, DelayDoublesFromTheFirstUpToTheCap) {
  EXPECT_EQ(retry_delay(kSchedule, 1, 0.0), 30s);
  EXPECT_EQ(retry_delay(kSchedule, 2, 0.0), 60s);
  EXPECT_EQ(retry_delay(kSchedule, 3, 0.0), 120s);
  EXPECT_EQ(retry_delay(kSchedule, 7, 0.0), 1920s);
  EXPECT_EQ(retry_delay(kSchedule, 8, 0.0), 1h);
  EXPECT_EQ(retry_delay(kSchedule, 1'000'000, 0.0), 1h);
}

TEST(RetrySchedule, JitterAddsUpToAFifth) {
  EXPECT_EQ(retry_delay(kSchedule, 1, 0.5), 33s);
  EXPECT_EQ(retry_delay(kSchedule, 1, 0.999), 35'994ms);
  EXPECT_EQ(retry_delay(kSchedule, 40, 0.5), 66min);
}

TEST(RetrySchedule, NextAttemptFollowsTheDelay) {
  EXPECT_EQ(next_attempt_after(kSchedule, kEvent, kEvent + 5s, 1, 0.0), kEvent + 35s);
}

TEST(RetrySchedule, GivesUpOnceTheNextAttemptWouldFallPastADay) {
  EXPECT_EQ(next_attempt_after(kSchedule, kEvent, kEvent + 23h, 20, 0.0), kEvent + 24h);
  EXPECT_EQ(next_attempt_after(kSchedule, kEvent, kEvent + 23h + 1s, 20, 0.0), std::nullopt);
}

// About 30 attempts over the day: what the schedule promises receivers that come back.
TEST(RetrySchedule, ADayOfFailuresMakesAboutThirtyAttempts) {
  auto now = kEvent;
  int attempts = 1;
  while (auto next = next_attempt_after(kSchedule, kEvent, now, attempts, 0.0)) {
    now = *next;
    ++attempts;
  }
  EXPECT_EQ(attempts, 30);
  EXPECT_GT(now, kEvent + 23h);
}

}  // namespace
}  // namespace agentd
