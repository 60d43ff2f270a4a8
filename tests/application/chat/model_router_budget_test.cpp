// Every request through the router is held to its key's budget, before any upstream is called.
#include <gtest/gtest.h>

#include <memory>
#include <stdexcept>

#include "application/chat/model_router.h"
#include "fakes/fake_budget_ledger.h"
#include "fakes/fake_clock.h"
#include "fakes/fake_delay.h"
#include "fakes/run_sync.h"
#include "fakes/scripted_llm_provider.h"

namespace agentd {
namespace {

class ModelRouterBudgetTest : public ::testing::Test {
 protected:
  ModelRouterBudgetTest() {
    ModelRoute route;
    route.name = "m";
    route.upstream_model = "upstream-m";
    route.provider = provider_;
    route.limits = {32'768, 4'096};
    if (!catalog_.add(std::move(route))) throw std::runtime_error("the test model was refused");
    caller_.user_id = "user-1";
    caller_.api_key_id = "key-1";
    caller_.limits.budget = Budget{10'000, std::nullopt, BudgetPeriod::total};
  }

  static ChatRequest hello(std::optional<std::int64_t> max_tokens) {
    ChatRequest request;
    request.model = "m";
    request.max_tokens = max_tokens;
    ChatMessage message;
    message.role = "user";
    message.content = "hi";
    request.messages.push_back(std::move(message));
    return request;
  }

  std::int64_t spent_tokens() {
    if (!run_sync(budgets_->flush())) throw std::runtime_error("flush failed");
    return run_sync(ledger_.spent(budget_counter(BudgetScope::key, "key-1", BudgetPeriod::total,
                                                 clock_.now())))
        ->tokens;
  }

  FakeClock clock_;
  FakeBudgetLedger ledger_;
  std::shared_ptr<BudgetGate> budgets_ = std::make_shared<BudgetGate>(ledger_, clock_);
  FakeDelay delay_;
  std::shared_ptr<ScriptedLlmProvider> provider_ = std::make_shared<ScriptedLlmProvider>();
  ModelCatalog catalog_;
  ModelRouter router_{catalog_, delay_, RetryPolicy{}, [] { return 0.0; }, {nullptr, budgets_}};
  Principal caller_;
};

TEST_F(ModelRouterBudgetTest, ARequestTheBudgetCannotCoverNeverReachesTheUpstream) {
  // Without max_tokens the worst case is the model's 4,096 output tokens, more than is left.
  caller_.limits.budget->max_tokens = 4'000;
  auto refused = run_sync(router_.complete(caller_, hello(std::nullopt)));
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, "budget_exceeded");
  EXPECT_TRUE(provider_->requests().empty());
}

TEST_F(ModelRouterBudgetTest, AnAnswerCountsWhatItUsedNotItsWorstCase) {
  provider_->then(ScriptedAnswer::says("hello").with_usage(Usage{12, 3, 15, 0}));
  ASSERT_TRUE(run_sync(router_.complete(caller_, hello(100))));
  EXPECT_EQ(spent_tokens(), 15);
}

TEST_F(ModelRouterBudgetTest, AFailedCallCostsNothing) {
  provider_->then(ScriptedAnswer::fails(Error{ErrorCode::not_found, "no", {}, "model_not_found"}));
  EXPECT_FALSE(run_sync(router_.complete(caller_, hello(100))));
  EXPECT_EQ(spent_tokens(), 0);
}

TEST_F(ModelRouterBudgetTest, AStreamHoldsItsWorstCaseUntilItEnds) {
  provider_->then(ScriptedAnswer::says_in_pieces({"a", "b"}).with_usage(Usage{7, 2, 9, 0}));
  auto routed = run_sync(router_.stream(caller_, hello(100)));
  ASSERT_TRUE(routed);
  EXPECT_GT(spent_tokens(), 100);  // the prompt estimate and max_tokens, reserved
  // Read to its end.
  run_sync([&]() -> boost::asio::awaitable<bool> {
    for (;;) {
      auto delta = co_await routed->stream->next();
      if (!delta || !*delta) co_return static_cast<bool>(delta);
    }
  }());
  EXPECT_EQ(spent_tokens(), 9);
}

TEST_F(ModelRouterBudgetTest, TheCallsOfOneKeyShareItsBudget) {
  caller_.limits.budget->max_tokens = 250;
  provider_->then(ScriptedAnswer::says("one").with_usage(Usage{100, 100, 200, 0}));
  ASSERT_TRUE(run_sync(router_.complete(caller_, hello(100))));
  ASSERT_TRUE(run_sync(budgets_->flush()));
  // 200 spent: a call that may take 100 more output tokens no longer fits.
  auto refused = run_sync(router_.complete(caller_, hello(100)));
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, "budget_exceeded");
  EXPECT_EQ(provider_->requests().size(), 1u);
}

}  // namespace
}  // namespace agentd
