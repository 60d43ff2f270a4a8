#include "application/usage/budget_gate.h"

#include <gtest/gtest.h>

#include "fakes/fake_budget_ledger.h"
#include "fakes/fake_clock.h"
#include "fakes/recording_metrics.h"
#include "fakes/run_sync.h"

namespace agentd {
namespace {

using namespace std::chrono;
using namespace std::chrono_literals;

// Wednesday 2026-12-30, 18:00:30 UTC.
const Timestamp kGateTestNow = sys_days{2026y / December / 30} + 18h + 30s;

class BudgetGateTest : public ::testing::Test {
 protected:
  static Principal key_with(SpendingLimits limits, Role role = Role::user) {
    Principal caller;
    caller.user_id = "user-1";
    caller.role = role;
    caller.api_key_id = "key-1";
    caller.limits = std::move(limits);
    return caller;
  }
  static Principal session_of(SpendingLimits user_limits, Role role = Role::user) {
    Principal caller;
    caller.user_id = "user-1";
    caller.role = role;
    caller.session_id = "session-1";
    caller.user_limits = std::move(user_limits);
    return caller;
  }
  static SpendingLimits tokens_per(BudgetPeriod period, std::int64_t max_tokens) {
    return {Budget{max_tokens, std::nullopt, period}, std::nullopt};
  }

  Result<BudgetHold> reserve(const Principal& caller, std::int64_t prompt, std::int64_t output,
                             std::optional<ModelPrice> price = std::nullopt) {
    return run_sync(gate_.reserve(caller, prompt, output, price));
  }
  BudgetSpent spent(const Budget& budget, BudgetScope scope = BudgetScope::key,
                    const std::string& id = "key-1") {
    auto status = run_sync(gate_.status(scope, id, budget));
    if (!status) throw std::runtime_error(status.error().message);
    return status->spent;
  }

  FakeClock clock_{kGateTestNow};
  FakeBudgetLedger ledger_;
  RecordingMetrics metrics_;
  BudgetGate gate_{ledger_, clock_, metrics_};
};

TEST_F(BudgetGateTest, ACallReservesItsWorstCaseAndSettlesToWhatItUsed) {
  const auto limits = tokens_per(BudgetPeriod::month, 1'000);
  auto hold = reserve(key_with(limits), 100, 200);
  ASSERT_TRUE(hold);
  EXPECT_EQ(spent(*limits.budget).tokens, 300);

  gate_.settle(std::move(*hold), Usage{50, 30, 80, 0});
  EXPECT_EQ(spent(*limits.budget).tokens, 300);  // corrected when flushed
  ASSERT_TRUE(run_sync(gate_.flush()));
  EXPECT_EQ(spent(*limits.budget).tokens, 80);
}

TEST_F(BudgetGateTest, ACallTheBudgetCannotCoverIsRefusedUntilThePeriodResets) {
  const auto limits = tokens_per(BudgetPeriod::month, 250);
  auto refused = reserve(key_with(limits), 100, 200);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().kind, ErrorCode::rate_limited);
  EXPECT_EQ(refused.error().code, "budget_exceeded");
  // Retry-After: the first of next month, UTC.
  EXPECT_EQ(refused.error().retry_after,
            duration_cast<milliseconds>(sys_days{2027y / January / 1} - kGateTestNow));
  EXPECT_EQ(spent(*limits.budget).tokens, 0);  // nothing reserved
  EXPECT_EQ(metrics_.rate_limits, std::vector<std::string>{"budget"});
}

TEST_F(BudgetGateTest, TheBudgetResetsWhenItsPeriodEnds) {
  const auto limits = tokens_per(BudgetPeriod::day, 300);
  ASSERT_TRUE(reserve(key_with(limits), 100, 200));
  EXPECT_FALSE(reserve(key_with(limits), 1, 0));

  clock_.set(sys_days{2026y / December / 31} + 1s);
  ASSERT_TRUE(reserve(key_with(limits), 100, 200));
  EXPECT_FALSE(reserve(key_with(limits), 1, 0));
}

TEST_F(BudgetGateTest, AWeeklyBudgetSpansTheDaysOfItsWeek) {
  const auto limits = tokens_per(BudgetPeriod::week, 300);
  ASSERT_TRUE(reserve(key_with(limits), 300, 0));
  clock_.set(sys_days{2027y / January / 3} + 23h);  // Sunday: the same week
  EXPECT_FALSE(reserve(key_with(limits), 1, 0));
  clock_.set(sys_days{2027y / January / 4});  // Monday: a new one
  EXPECT_TRUE(reserve(key_with(limits), 300, 0));
}

TEST_F(BudgetGateTest, ACostBudgetCountsTheCallsPrice) {
  // $1 a million tokens in, $2 out; $0.001 allows 100 in + 400 out (0.0001 + 0.0008 USD).
  const SpendingLimits limits{Budget{std::nullopt, 1'000'000, BudgetPeriod::total}, std::nullopt};
  const ModelPrice price{1.0, 2.0, std::nullopt};
  ASSERT_TRUE(reserve(key_with(limits), 100, 400, price));
  EXPECT_EQ(spent(*limits.budget).cost_nanos, 900'000);
  auto refused = reserve(key_with(limits), 100, 50, price);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, "budget_exceeded");
  EXPECT_EQ(refused.error().retry_after, hours(24));  // a total budget never resets
}

TEST_F(BudgetGateTest, TokensPerMinuteRefuseUntilTheNextMinute) {
  const SpendingLimits limits{std::nullopt, 500};
  ASSERT_TRUE(reserve(key_with(limits), 200, 200));
  auto refused = reserve(key_with(limits), 50, 51);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, "token_rate_limited");
  EXPECT_EQ(refused.error().retry_after, 30s);
  EXPECT_EQ(metrics_.rate_limits, std::vector<std::string>{"tokens_per_minute"});

  clock_.advance(30s);
  EXPECT_TRUE(reserve(key_with(limits), 50, 51));
}

TEST_F(BudgetGateTest, AnAdministratorsKeyIsHeldToItsBudgetToo) {
  const auto limits = tokens_per(BudgetPeriod::day, 10);
  auto refused = reserve(key_with(limits, Role::admin), 100, 0);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, "budget_exceeded");
}

TEST_F(BudgetGateTest, ACallWithoutLimitsReservesNothing) {
  auto hold = reserve(key_with({}), 100, 200);
  ASSERT_TRUE(hold);
  EXPECT_TRUE(hold->charges.empty());
  EXPECT_TRUE(ledger_.counters().empty());
}

TEST_F(BudgetGateTest, AFailedCallGivesItsReservationBack) {
  const auto limits = tokens_per(BudgetPeriod::month, 300);
  auto hold = reserve(key_with(limits), 100, 200);
  ASSERT_TRUE(hold);
  gate_.settle(std::move(*hold), std::nullopt);
  ASSERT_TRUE(run_sync(gate_.flush()));
  EXPECT_EQ(spent(*limits.budget).tokens, 0);
  EXPECT_TRUE(reserve(key_with(limits), 100, 200));
}

TEST_F(BudgetGateTest, CorrectionsThatCouldNotBeWrittenAreWrittenLater) {
  const auto limits = tokens_per(BudgetPeriod::month, 1'000);
  auto hold = reserve(key_with(limits), 100, 200);
  ASSERT_TRUE(hold);
  gate_.settle(std::move(*hold), Usage{10, 10, 20, 0});
  ledger_.fail(true);
  EXPECT_FALSE(run_sync(gate_.flush()));
  ledger_.fail(false);
  ASSERT_TRUE(run_sync(gate_.flush()));
  EXPECT_EQ(spent(*limits.budget).tokens, 20);
}

TEST_F(BudgetGateTest, ALedgerThatIsDownRefusesTheCallRatherThanLetItPass) {
  ledger_.fail(true);
  auto refused = reserve(key_with(tokens_per(BudgetPeriod::day, 1'000)), 1, 1);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().kind, ErrorCode::unavailable);
}

// --- a user's limits, set by an administrator ---------------------------------------------

TEST_F(BudgetGateTest, AUsersBudgetCountsTheirSessionAndEveryKeyTogether) {
  const auto user_budget = tokens_per(BudgetPeriod::day, 1'000);
  auto first_key = key_with({});
  first_key.user_limits = user_budget;
  auto second_key = key_with(tokens_per(BudgetPeriod::day, 10'000));
  second_key.api_key_id = "key-2";
  second_key.user_limits = user_budget;

  ASSERT_TRUE(reserve(session_of(user_budget), 300, 0));
  ASSERT_TRUE(reserve(first_key, 300, 0));
  ASSERT_TRUE(reserve(second_key, 300, 0));
  EXPECT_EQ(spent(*user_budget.budget, BudgetScope::user, "user-1").tokens, 900);
  EXPECT_EQ(spent(*tokens_per(BudgetPeriod::day, 10'000).budget, BudgetScope::key, "key-2").tokens,
            300);

  // The second key's own budget has room; the user's has not.
  auto refused = reserve(second_key, 101, 0);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, "budget_exceeded");
  EXPECT_NE(refused.error().message.find("this user's budget"), std::string::npos);
  EXPECT_EQ(refused.error().retry_after,
            duration_cast<milliseconds>(sys_days{2026y / December / 31} - kGateTestNow));
  // Refused as a whole: the key's counter did not move either.
  EXPECT_EQ(spent(*tokens_per(BudgetPeriod::day, 10'000).budget, BudgetScope::key, "key-2").tokens,
            300);
  EXPECT_TRUE(reserve(session_of(user_budget), 100, 0));
}

TEST_F(BudgetGateTest, AKeysOwnBudgetStillBindsUnderARoomierUserBudget) {
  auto caller = key_with(tokens_per(BudgetPeriod::day, 100));
  caller.user_limits = tokens_per(BudgetPeriod::month, 1'000'000);
  auto refused = reserve(caller, 101, 0);
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message.find("this key's budget"), std::string::npos);
  EXPECT_EQ(spent(*caller.user_limits.budget, BudgetScope::user, "user-1").tokens, 0);
}

TEST_F(BudgetGateTest, AnAdministratorsSessionIsHeldToTheirOwnUserBudget) {
  const auto limits = tokens_per(BudgetPeriod::week, 50);
  auto refused = reserve(session_of(limits, Role::admin), 51, 0);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, "budget_exceeded");
}

TEST_F(BudgetGateTest, AUsersTokensPerMinuteAndBudgetSettleTogether) {
  SpendingLimits limits = tokens_per(BudgetPeriod::total, 10'000);
  limits.tokens_per_minute = 500;
  auto hold = reserve(session_of(limits), 200, 200);
  ASSERT_TRUE(hold);
  EXPECT_EQ(hold->charges.size(), 2u);
  auto refused = reserve(session_of(limits), 100, 1);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, "token_rate_limited");
  EXPECT_NE(refused.error().message.find("this user's tokens per minute"), std::string::npos);

  gate_.settle(std::move(*hold), Usage{20, 30, 50, 0});
  ASSERT_TRUE(run_sync(gate_.flush()));
  EXPECT_EQ(spent(*limits.budget, BudgetScope::user, "user-1").tokens, 50);
  EXPECT_TRUE(reserve(session_of(limits), 100, 1));  // the minute's counter was corrected too
}

TEST_F(BudgetGateTest, AUsersBudgetResetsWithItsPeriod) {
  const auto limits = tokens_per(BudgetPeriod::month, 100);
  ASSERT_TRUE(reserve(session_of(limits), 100, 0));
  EXPECT_FALSE(reserve(session_of(limits), 1, 0));
  clock_.set(sys_days{2027y / January / 1});
  EXPECT_TRUE(reserve(session_of(limits), 100, 0));
  EXPECT_EQ(spent(*limits.budget, BudgetScope::user, "user-1").tokens, 100);
}

}  // namespace
}  // namespace agentd
