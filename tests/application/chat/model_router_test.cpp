#include "application/chat/model_router.h"

#include <gtest/gtest.h>

#include <memory>
#include <stdexcept>
#include <utility>
#include <vector>

#include "fakes/fake_delay.h"
#include "fakes/run_sync.h"
#include "fakes/scripted_llm_provider.h"

namespace agentd {
namespace {

class ModelRouterStreamTest : public ::testing::Test {
 protected:
  ModelRouterStreamTest() {
    ModelRoute route;
    route.name = "m";
    route.upstream_model = "upstream-m";
    route.provider = provider_;
    if (!catalog_.add(std::move(route))) throw std::runtime_error("the test model was refused");
  }

  // Streams `answer` through the router; whether each delta in turn was ready beforehand.
  std::vector<bool> readiness_along(ScriptedAnswer answer) {
    provider_->then(std::move(answer));
    return run_sync([&]() -> boost::asio::awaitable<std::vector<bool>> {
      std::vector<bool> ready;
      ChatRequest request;
      request.model = "m";
      ChatMessage message;
      message.role = "user";
      message.content = "hi";
      request.messages.push_back(std::move(message));
      const Principal caller;
      auto routed = co_await router_.stream(caller, std::move(request));
      if (!routed) co_return ready;
      for (;;) {
        const bool was_ready = routed->stream->next_is_ready();
        auto delta = co_await routed->stream->next();
        if (!delta || !*delta) co_return ready;
        ready.push_back(was_ready);
      }
    }());
  }

  FakeDelay delay_;
  std::shared_ptr<ScriptedLlmProvider> provider_ = std::make_shared<ScriptedLlmProvider>();
  ModelCatalog catalog_;
  ModelRouter router_{catalog_, delay_, RetryPolicy{}, [] { return 0.0; }};
};

TEST_F(ModelRouterStreamTest, TheDeltaReadBeforeAnsweringIsReadyTheRestAsTheProviderSays) {
  ScriptedAnswer answer;
  answer.pieces = {"Hel", "lo"};
  // The scripted provider never has a delta in hand; the router's first one is.
  const auto ready = readiness_along(std::move(answer));
  ASSERT_GE(ready.size(), 2u);
  EXPECT_TRUE(ready[0]);
  EXPECT_FALSE(ready[1]);
}

}  // namespace
}  // namespace agentd
