#include "domain/ratelimit/gcra.h"

#include <gtest/gtest.h>

#include <optional>

namespace agentd {
namespace {

using std::chrono::microseconds;
using std::chrono::seconds;

constexpr std::int64_t kStart = 1'000'000'000'000;  // an arbitrary "now", in microseconds

// Feeds each outcome's TAT into the next call, as a limiter's store would.
class Bucket {
 public:
  explicit Bucket(int limit) : limit_(limit) {}
  RateLimitDecision hit(std::int64_t now_us) {
    auto outcome = gcra_check(tat_, now_us, limit_);
    tat_ = outcome.tat_us;
    return outcome.decision;
  }

 private:
  int limit_;
  std::optional<std::int64_t> tat_;
};

TEST(Gcra, AllowsABurstOfLimitThenDenies) {
  Bucket bucket(5);
  for (int i = 0; i < 5; ++i) {
    auto decision = bucket.hit(kStart);
    EXPECT_TRUE(decision.allowed) << i;
    EXPECT_EQ(decision.limit, 5);
  }
  auto denied = bucket.hit(kStart);
  EXPECT_FALSE(denied.allowed);
  EXPECT_EQ(denied.remaining, 0);
  EXPECT_EQ(denied.limit, 5);
}

TEST(Gcra, RemainingCountsDown) {
  Bucket bucket(3);
  EXPECT_EQ(bucket.hit(kStart).remaining, 2);
  EXPECT_EQ(bucket.hit(kStart).remaining, 1);
  EXPECT_EQ(bucket.hit(kStart).remaining, 0);
  EXPECT_EQ(bucket.hit(kStart).remaining, 0);
}

TEST(Gcra, RetryAfterIsOneIntervalAfterABurst) {
  Bucket bucket(60);
  for (int i = 0; i < 60; ++i) ASSERT_TRUE(bucket.hit(kStart).allowed);
  auto denied = bucket.hit(kStart);
  ASSERT_FALSE(denied.allowed);
  EXPECT_EQ(denied.retry_after, seconds(1));
}

TEST(Gcra, WaitingExactlyRetryAfterIsEnough) {
  Bucket bucket(7);  // 60 s / 7 is not a whole number of microseconds
  for (int i = 0; i < 7; ++i) ASSERT_TRUE(bucket.hit(kStart).allowed);
  auto denied = bucket.hit(kStart + 1234);
  ASSERT_FALSE(denied.allowed);
  const std::int64_t retry_at = kStart + 1234 + denied.retry_after.count();
  EXPECT_FALSE(bucket.hit(retry_at - 1).allowed);
  EXPECT_TRUE(bucket.hit(retry_at).allowed);
}

TEST(Gcra, DeniedRequestsDoNotConsumeCapacity) {
  Bucket bucket(2);
  ASSERT_TRUE(bucket.hit(kStart).allowed);
  ASSERT_TRUE(bucket.hit(kStart).allowed);
  for (int i = 0; i < 100; ++i) ASSERT_FALSE(bucket.hit(kStart).allowed);
  EXPECT_TRUE(bucket.hit(kStart + 30'000'000).allowed);
}

TEST(Gcra, ResetAfterIsTimeUntilTheBucketIsFull) {
  Bucket bucket(60);
  EXPECT_EQ(bucket.hit(kStart).reset_after, seconds(1));
  EXPECT_EQ(bucket.hit(kStart).reset_after, seconds(2));
  for (int i = 2; i < 60; ++i) bucket.hit(kStart);
  auto denied = bucket.hit(kStart);
  ASSERT_FALSE(denied.allowed);
  EXPECT_EQ(denied.reset_after, seconds(60));
}

TEST(Gcra, RecoversOneRequestPerInterval) {
  Bucket bucket(60);
  for (int i = 0; i < 60; ++i) ASSERT_TRUE(bucket.hit(kStart).allowed);
  const std::int64_t later = kStart + 10'000'000;  // ten intervals later
  for (int i = 0; i < 10; ++i) EXPECT_TRUE(bucket.hit(later).allowed) << i;
  EXPECT_FALSE(bucket.hit(later).allowed);
}

TEST(Gcra, IsFullAgainAfterAMinute) {
  Bucket bucket(10);
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(bucket.hit(kStart).allowed);
  auto decision = bucket.hit(kStart + 60'000'000);
  EXPECT_TRUE(decision.allowed);
  EXPECT_EQ(decision.remaining, 9);
}

TEST(Gcra, NoBurstAtWindowEdges) {
  // Unlike fixed windows, spending the burst at 59 s leaves nothing to spend at 61 s.
  Bucket bucket(10);
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(bucket.hit(kStart + 59'000'000).allowed);
  int allowed = 0;
  for (int i = 0; i < 10; ++i) allowed += bucket.hit(kStart + 61'000'000).allowed ? 1 : 0;
  EXPECT_EQ(allowed, 0);
}

TEST(Gcra, NonPositiveLimitActsAsOne) {
  Bucket bucket(0);
  auto first = bucket.hit(kStart);
  EXPECT_TRUE(first.allowed);
  EXPECT_EQ(first.limit, 1);
  EXPECT_FALSE(bucket.hit(kStart).allowed);
}

TEST(CeilSeconds, RoundsUpToWholeSeconds) {
  EXPECT_EQ(ceil_seconds(microseconds(0)), 0);
  EXPECT_EQ(ceil_seconds(microseconds(1)), 1);
  EXPECT_EQ(ceil_seconds(seconds(1)), 1);
  EXPECT_EQ(ceil_seconds(seconds(1) + microseconds(1)), 2);
}

TEST(Gcra, LimitAboveOnePerMicrosecondStillCounts) {
  Bucket bucket(1'000'000'000);
  for (int i = 0; i < 1000; ++i) ASSERT_TRUE(bucket.hit(kStart).allowed);
  EXPECT_GT(bucket.hit(kStart).remaining, 0);
}

}  // namespace
}  // namespace agentd
