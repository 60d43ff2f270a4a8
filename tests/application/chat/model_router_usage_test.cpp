// The router accounts every upstream call it makes, whichever path asked for it.
#include <gtest/gtest.h>

#include <memory>
#include <stdexcept>

#include "application/chat/model_router.h"
#include "fakes/fake_clock.h"
#include "fakes/fake_delay.h"
#include "fakes/fake_id_generator.h"
#include "fakes/fake_usage_repository.h"
#include "fakes/run_sync.h"
#include "fakes/scripted_llm_provider.h"

namespace agentd {
namespace {

class ModelRouterUsageTest : public ::testing::Test {
 protected:
  ModelRouterUsageTest() {
    ModelRoute route;
    route.name = "m";
    route.owned_by = "anthropic";
    route.upstream_model = "upstream-m";
    route.provider = provider_;
    route.max_retries = 1;
    route.price = ModelPrice{1.0, 4.0, std::nullopt};
    if (!catalog_.add(std::move(route))) throw std::runtime_error("the test model was refused");
    caller_.user_id = "user-1";
    caller_.api_key_id = "key-1";
  }

  static ChatRequest hello() {
    ChatRequest request;
    request.model = "m";
    ChatMessage message;
    message.role = "user";
    message.content = "hi";
    request.messages.push_back(std::move(message));
    return request;
  }

  std::vector<UsageRecord> flushed() {
    if (!run_sync(usage_->flush())) throw std::runtime_error("flush failed");
    return repository_.records();
  }

  FakeClock clock_;
  FakeIdGenerator ids_;
  FakeUsageRepository repository_;
  std::shared_ptr<UsageRecorder> usage_ =
      std::make_shared<UsageRecorder>(repository_, ids_, clock_);
  FakeDelay delay_;
  std::shared_ptr<ScriptedLlmProvider> provider_ = std::make_shared<ScriptedLlmProvider>();
  ModelCatalog catalog_;
  ModelRouter router_{catalog_, delay_, RetryPolicy{}, [] { return 0.0; }, {usage_, nullptr}};
  Principal caller_;
};

TEST_F(ModelRouterUsageTest, ACompletionIsAccountedToTheCallersKeyWithItsCost) {
  provider_->then(ScriptedAnswer::says("hello").with_usage(Usage{10, 5, 15, 0}));
  ASSERT_TRUE(run_sync(router_.complete(caller_, hello())));

  const auto records = flushed();
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].user_id, "user-1");
  EXPECT_EQ(records[0].api_key_id, "key-1");
  EXPECT_EQ(records[0].model, "m");
  EXPECT_EQ(records[0].provider, "anthropic");
  EXPECT_EQ(records[0].input_tokens, 10);
  EXPECT_EQ(records[0].output_tokens, 5);
  EXPECT_EQ(records[0].cost_nanos, 10 * 1'000 + 5 * 4'000);
  EXPECT_EQ(records[0].status, "ok");
}

TEST_F(ModelRouterUsageTest, AStreamIsAccountedWhenItEndsWithTheUsageOfItsLastChunk) {
  provider_->then(ScriptedAnswer::says_in_pieces({"Hel", "lo"}).with_usage(Usage{7, 2, 9, 3}));
  auto routed = run_sync(router_.stream(caller_, hello()));
  ASSERT_TRUE(routed);
  EXPECT_TRUE(flushed().empty());  // not before its end

  // Read to its end.
  run_sync([&]() -> boost::asio::awaitable<bool> {
    for (;;) {
      auto delta = co_await routed->stream->next();
      if (!delta || !*delta) co_return static_cast<bool>(delta);
    }
  }());
  const auto records = flushed();
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].input_tokens, 7);
  EXPECT_EQ(records[0].output_tokens, 2);
  EXPECT_EQ(records[0].cached_tokens, 3);
  EXPECT_EQ(records[0].status, "ok");
}

TEST_F(ModelRouterUsageTest, AStreamLeftBeforeItsEndIsAccountedAsCancelled) {
  provider_->then(ScriptedAnswer::says_in_pieces({"Hel", "lo"}).with_usage(Usage{7, 2, 9, 0}));
  {
    auto routed = run_sync(router_.stream(caller_, hello()));
    ASSERT_TRUE(routed);
  }
  const auto records = flushed();
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].status, "cancelled");
}

TEST_F(ModelRouterUsageTest, EveryAttemptIsAccountedRetriesIncluded) {
  provider_->then(ScriptedAnswer::fails(Error{ErrorCode::bad_gateway, "down", {}, "upstream"}));
  provider_->then(ScriptedAnswer::says("hello").with_usage(Usage{10, 5, 15, 0}));
  ASSERT_TRUE(run_sync(router_.complete(caller_, hello())));

  const auto records = flushed();
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0].status, "error");
  EXPECT_EQ(records[0].input_tokens, 0);
  EXPECT_EQ(records[1].status, "ok");
}

TEST_F(ModelRouterUsageTest, ARefusedModelReachesNoUpstreamAndIsNotAccounted) {
  caller_.allowed_models = std::vector<std::string>{"other"};
  EXPECT_FALSE(run_sync(router_.complete(caller_, hello())));
  EXPECT_TRUE(flushed().empty());
}

}  // namespace
}  // namespace agentd
