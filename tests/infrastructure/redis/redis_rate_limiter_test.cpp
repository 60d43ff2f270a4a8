#include "infrastructure/redis/redis_rate_limiter.h"

#include <gtest/gtest.h>

#include <chrono>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "domain/ratelimit/gcra.h"
#include "infrastructure/redis/redis_adapter_test.h"
#include "infrastructure/redis/redis_client.h"

namespace agentd::redis {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

class RedisRateLimiterTest : public RedisAdapterTest {
 protected:
  RateLimitDecision acquire(RedisRateLimiter& limiter, const std::string& bucket, int limit) {
    return run(limiter.acquire(bucket, limit));
  }

  // Each test's buckets of its own: the shared server outlives test runs.
  const std::string prefix_ = fresh_name("rl") + ":";
};

TEST_F(RedisRateLimiterTest, DecidesAsTheInProcessGcraDoes) {
  auto client = connect_client();
  if (!client) return;
  RedisRateLimiter limiter(*client, prefix_, FailPolicy::closed);

  // The GCRA's own answers to the same calls all at one instant; Redis's differ only by the
  // time the calls took.
  std::optional<std::int64_t> tat;
  for (int i = 0; i < 5; ++i) {
    const GcraOutcome expected = gcra_check(tat, 0, 3);
    if (expected.decision.allowed) tat = expected.tat_us;
    const RateLimitDecision decision = acquire(limiter, "user:1", 3);

    EXPECT_EQ(decision.allowed, expected.decision.allowed) << i;
    EXPECT_EQ(decision.limit, 3) << i;
    EXPECT_EQ(decision.remaining, expected.decision.remaining) << i;
    EXPECT_FALSE(decision.unavailable) << i;
    EXPECT_LE(decision.retry_after, expected.decision.retry_after) << i;
    EXPECT_GT(decision.retry_after, expected.decision.retry_after - seconds(1)) << i;
    EXPECT_LE(decision.reset_after, expected.decision.reset_after) << i;
    EXPECT_GT(decision.reset_after, expected.decision.reset_after - seconds(1)) << i;
  }
}

TEST_F(RedisRateLimiterTest, AllowsTheBurstThenDeniesWithATruthfulRetryAfter) {
  auto client = connect_client();
  if (!client) return;
  RedisRateLimiter limiter(*client, prefix_, FailPolicy::closed);

  for (int i = 0; i < 3; ++i) {
    auto decision = acquire(limiter, "user:1", 3);
    EXPECT_TRUE(decision.allowed) << i;
    EXPECT_EQ(decision.remaining, 2 - i);
  }
  auto denied = acquire(limiter, "user:1", 3);
  EXPECT_FALSE(denied.allowed);
  EXPECT_FALSE(denied.unavailable);
  EXPECT_EQ(denied.remaining, 0);
  EXPECT_GT(denied.retry_after, seconds(19));  // one request's share of the minute: 20 s
  EXPECT_LE(denied.retry_after, seconds(20));
  EXPECT_TRUE(acquire(limiter, "user:2", 3).allowed);  // buckets are independent
}

TEST_F(RedisRateLimiterTest, ReplicasOnTheirOwnConnectionsShareOneLimit) {
  auto first_client = connect_client();
  if (!first_client) return;
  auto second_client = connect_client();
  if (!second_client) return;
  RedisRateLimiter first(*first_client, prefix_, FailPolicy::closed);
  RedisRateLimiter second(*second_client, prefix_, FailPolicy::closed);

  EXPECT_EQ(acquire(first, "key:7", 4).remaining, 3);
  EXPECT_EQ(acquire(second, "key:7", 4).remaining, 2);
  EXPECT_EQ(acquire(first, "key:7", 4).remaining, 1);
  EXPECT_EQ(acquire(second, "key:7", 4).remaining, 0);
  EXPECT_FALSE(acquire(first, "key:7", 4).allowed);
  EXPECT_FALSE(acquire(second, "key:7", 4).allowed);
}

TEST_F(RedisRateLimiterTest, RefillsOneRequestPerIntervalAsTimePasses) {
  auto client = connect_client();
  if (!client) return;
  RedisRateLimiter limiter(*client, prefix_, FailPolicy::closed);
  constexpr int kPerMinute = 200;  // one request per 300 ms

  RateLimitDecision denied;
  for (int i = 0; i < kPerMinute + 20 && denied.allowed; ++i) {
    denied = acquire(limiter, "ip:1", kPerMinute);
  }
  ASSERT_FALSE(denied.allowed);
  EXPECT_LE(denied.retry_after, milliseconds(300));

  std::this_thread::sleep_for(denied.retry_after + milliseconds(5));
  EXPECT_TRUE(acquire(limiter, "ip:1", kPerMinute).allowed);
  EXPECT_FALSE(acquire(limiter, "ip:1", kPerMinute).allowed);
}

TEST_F(RedisRateLimiterTest, TheBucketExpiresWhenItIsFullAgain) {
  auto client = connect_client();
  if (!client) return;
  RedisRateLimiter limiter(*client, prefix_, FailPolicy::closed);

  ASSERT_TRUE(acquire(limiter, "user:1", 2).allowed);  // full again in 30 s
  std::vector<std::string> pttl{"PTTL", prefix_ + "user:1"};
  auto ttl = run(client->command(std::move(pttl)));
  ASSERT_TRUE(ttl) << ttl.error().message;
  EXPECT_GT(ttl->integer, 29'000);
  EXPECT_LE(ttl->integer, 30'000);
}

TEST_F(RedisRateLimiterTest, LoadsTheScriptAgainAfterAFlush) {
  auto client = connect_client();
  if (!client) return;
  RedisRateLimiter limiter(*client, prefix_, FailPolicy::closed);
  ASSERT_EQ(acquire(limiter, "user:1", 5).remaining, 4);

  std::vector<std::string> flush{"SCRIPT", "FLUSH"};
  auto flushed = run(client->command(std::move(flush)));
  ASSERT_TRUE(flushed) << flushed.error().message;

  auto decision = acquire(limiter, "user:1", 5);
  EXPECT_TRUE(decision.allowed);
  EXPECT_FALSE(decision.unavailable);
  EXPECT_EQ(decision.remaining, 3);  // the bucket itself was kept
  EXPECT_EQ(acquire(limiter, "user:1", 5).remaining, 2);
}

TEST_F(RedisRateLimiterTest, FailsClosedAsUnavailableWhenRedisCannotBeAsked) {
  auto client = unreachable_client();
  RedisRateLimiter limiter(*client, prefix_, FailPolicy::closed);

  auto decision = acquire(limiter, "user:1", 10);
  EXPECT_FALSE(decision.allowed);
  EXPECT_TRUE(decision.unavailable);
  EXPECT_EQ(decision.limit, 10);
  EXPECT_EQ(limiter.fail_open_count(), 0u);
}

TEST_F(RedisRateLimiterTest, FailsOpenAllowingAndCountingEachRequest) {
  auto client = unreachable_client();
  RedisRateLimiter limiter(*client, prefix_, FailPolicy::open);

  for (int i = 1; i <= 2; ++i) {
    auto decision = acquire(limiter, "user:1", 7);
    EXPECT_TRUE(decision.allowed);
    EXPECT_FALSE(decision.unavailable);
    EXPECT_EQ(decision.limit, 7);
    EXPECT_EQ(decision.remaining, 7);
    EXPECT_EQ(limiter.fail_open_count(), static_cast<std::uint64_t>(i));
  }
}

}  // namespace
}  // namespace agentd::redis
