#include "infrastructure/redis/redis_budget_ledger.h"

#include <gtest/gtest.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "infrastructure/redis/redis_adapter_test.h"
#include "infrastructure/redis/redis_client.h"

namespace agentd::redis {
namespace {

class RedisBudgetLedgerTest : public RedisAdapterTest {
 protected:
  static BudgetCharge charge(std::string counter, std::int64_t tokens, std::int64_t cost,
                             std::optional<std::int64_t> max_tokens,
                             std::optional<std::int64_t> max_cost = std::nullopt) {
    // An hour from now: the counters go away by themselves.
    return {std::move(counter), tokens,   cost,
            max_tokens,         max_cost, std::chrono::system_clock::now() + std::chrono::hours(1)};
  }

  // Each test's counters of its own: the shared server outlives test runs.
  const std::string prefix_ = fresh_name("budget") + ":";
};

TEST_F(RedisBudgetLedgerTest, AReservationAddsToEveryCounterOrToNone) {
  auto client = connect_client();
  if (!client) return;
  RedisBudgetLedger ledger(*client, prefix_);

  auto fits = run(ledger.reserve({charge("day", 100, 7, 1'000), charge("tpm", 100, 0, 150)}));
  ASSERT_TRUE(fits) << fits.error().message;
  EXPECT_EQ(*fits, std::nullopt);
  auto refused = run(ledger.reserve({charge("day", 100, 7, 1'000), charge("tpm", 100, 0, 150)}));
  ASSERT_TRUE(refused);
  EXPECT_EQ(*refused, std::optional<std::size_t>(1));
  auto day = run(ledger.spent("day"));
  ASSERT_TRUE(day);
  EXPECT_EQ(day->tokens, 100);
  EXPECT_EQ(day->cost_nanos, 7);
}

TEST_F(RedisBudgetLedgerTest, ACostMaximumIsHeldAndAdjustmentsGiveBack) {
  auto client = connect_client();
  if (!client) return;
  RedisBudgetLedger ledger(*client, prefix_);

  ASSERT_EQ(*run(ledger.reserve({charge("c", 1, 60, std::nullopt, 100)})), std::nullopt);
  EXPECT_EQ(*run(ledger.reserve({charge("c", 1, 60, std::nullopt, 100)})),
            std::optional<std::size_t>(0));
  ASSERT_TRUE(run(ledger.adjust({charge("c", -1, -50, std::nullopt, 100)})));
  EXPECT_EQ(*run(ledger.reserve({charge("c", 1, 60, std::nullopt, 100)})), std::nullopt);
  auto spent = run(ledger.spent("c"));
  ASSERT_TRUE(spent);
  EXPECT_EQ(spent->tokens, 1);
  EXPECT_EQ(spent->cost_nanos, 70);
  EXPECT_EQ(run(ledger.spent("never-charged"))->tokens, 0);
}

TEST_F(RedisBudgetLedgerTest, ACounterExpiresAfterItsPeriod) {
  auto client = connect_client();
  if (!client) return;
  RedisBudgetLedger ledger(*client, prefix_);
  ASSERT_TRUE(run(ledger.reserve({charge("day", 5, 0, 10)})));
  std::vector<std::string> ttl{"PTTL", prefix_ + "day"};
  auto reply = run(client->command(std::move(ttl)));
  ASSERT_TRUE(reply);
  EXPECT_GT(reply->integer, 3'500'000);
  EXPECT_LE(reply->integer, 3'600'000);
}

TEST_F(RedisBudgetLedgerTest, WithoutRedisAReservationFailsRatherThanPasses) {
  auto client = unreachable_client();
  RedisBudgetLedger ledger(*client, prefix_);
  auto reserved = run(ledger.reserve({charge("day", 5, 0, 10)}));
  ASSERT_FALSE(reserved);
  EXPECT_EQ(reserved.error().kind, ErrorCode::unavailable);
}

}  // namespace
}  // namespace agentd::redis
