#include "infrastructure/ratelimit/in_process_rate_limiter.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "fakes/fake_clock.h"
#include "fakes/run_sync.h"

namespace agentd {
namespace {

using std::chrono::seconds;

class InProcessRateLimiterTest : public ::testing::Test {
 protected:
  RateLimitDecision acquire(const std::string& bucket, int limit) {
    return run_sync(limiter_.acquire(bucket, limit));
  }

  FakeClock clock_;
  InProcessRateLimiter limiter_{clock_};
};

TEST_F(InProcessRateLimiterTest, AllowsTheLimitThenDeniesWithATruthfulRetryAfter) {
  for (int i = 0; i < 3; ++i) {
    auto decision = acquire("user:1", 3);
    EXPECT_TRUE(decision.allowed);
    EXPECT_EQ(decision.limit, 3);
    EXPECT_EQ(decision.remaining, 2 - i);
  }
  auto denied = acquire("user:1", 3);
  EXPECT_FALSE(denied.allowed);
  EXPECT_EQ(denied.retry_after, seconds(20));
  clock_.advance(denied.retry_after);
  EXPECT_TRUE(acquire("user:1", 3).allowed);
}

TEST_F(InProcessRateLimiterTest, BucketsAreIndependent) {
  ASSERT_TRUE(acquire("user:1", 1).allowed);
  EXPECT_FALSE(acquire("user:1", 1).allowed);
  EXPECT_TRUE(acquire("user:2", 1).allowed);
  EXPECT_TRUE(acquire("key:1", 1).allowed);
}

TEST_F(InProcessRateLimiterTest, RecoversOverTime) {
  for (int i = 0; i < 60; ++i) ASSERT_TRUE(acquire("user:1", 60).allowed);
  EXPECT_FALSE(acquire("user:1", 60).allowed);
  clock_.advance(seconds(5));
  for (int i = 0; i < 5; ++i) EXPECT_TRUE(acquire("user:1", 60).allowed) << i;
  EXPECT_FALSE(acquire("user:1", 60).allowed);
}

TEST_F(InProcessRateLimiterTest, ForgetsOnlyBucketsThatHaveRefilled) {
  auto fill = [this](const std::string& prefix) {
    for (int i = 0; i < 1000; ++i) ASSERT_TRUE(acquire(prefix + std::to_string(i), 1).allowed);
  };
  fill("ip:old-");  // each full again 60 s from now
  clock_.advance(seconds(30));
  fill("ip:mid-");
  EXPECT_EQ(limiter_.tracked_buckets(), 2000u);  // nothing has refilled yet
  clock_.advance(seconds(31));
  fill("ip:new-");
  EXPECT_EQ(limiter_.tracked_buckets(), 2000u);  // the old ones were dropped, mid ones kept
}

TEST_F(InProcessRateLimiterTest, AForgottenBucketStartsFull) {
  ASSERT_TRUE(acquire("user:1", 2).allowed);
  clock_.advance(seconds(61));
  acquire("user:2", 2);  // lets the shards sweep
  auto decision = acquire("user:1", 2);
  EXPECT_TRUE(decision.allowed);
  EXPECT_EQ(decision.remaining, 1);
}

TEST_F(InProcessRateLimiterTest, ConcurrentCallersNeverExceedTheLimit) {
  constexpr int kLimit = 100;
  std::atomic<int> allowed{0};
  std::vector<std::thread> threads;
  threads.reserve(8);
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 50; ++i) {
        if (acquire("user:shared", kLimit).allowed) ++allowed;
        acquire("user:other-" + std::to_string(i), kLimit);
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(allowed.load(), kLimit);
}

}  // namespace
}  // namespace agentd
