#include "application/chat/metered_provider.h"

#include <gtest/gtest.h>

#include <memory>

#include "fakes/fake_clock.h"
#include "fakes/recording_metrics.h"
#include "fakes/run_sync.h"
#include "fakes/scripted_llm_provider.h"

namespace agentd {
namespace {

class MeteredProviderTest : public ::testing::Test {
 protected:
  // Reads the stream to its end, or only `deltas` of it.
  void stream(std::optional<int> deltas = std::nullopt) {
    run_sync([&]() -> boost::asio::awaitable<bool> {
      // Named, not braced into the call: see docs/coroutines.md.
      ChatRequest request;
      auto opened = co_await metered_.stream(std::move(request));
      if (!opened) co_return false;
      for (int read = 0; !deltas || read < *deltas; ++read) {
        auto delta = co_await (*opened)->next();
        if (!delta || !*delta) break;
      }
      co_return true;
    }());
  }

  std::shared_ptr<ScriptedLlmProvider> scripted_ = std::make_shared<ScriptedLlmProvider>();
  std::shared_ptr<RecordingMetrics> recorded_ = std::make_shared<RecordingMetrics>();
  RecordingMetrics& metrics_ = *recorded_;
  FakeClock clock_;
  MeteredProvider metered_{scripted_, recorded_, clock_, "fast", "openai"};
};

TEST_F(MeteredProviderTest, ACompletionIsReportedWithItsModelProviderAndTokens) {
  scripted_->then(ScriptedAnswer::says("hi").with_usage({12, 3, 15}));
  auto completion = run_sync(metered_.complete(ChatRequest()));
  ASSERT_TRUE(completion);
  ASSERT_EQ(metrics_.model_calls.size(), 1u);
  const auto& call = metrics_.model_calls[0];
  EXPECT_EQ(call.model, "fast");
  EXPECT_EQ(call.provider, "openai");
  EXPECT_FALSE(call.stream);
  EXPECT_EQ(call.outcome, "ok");
  EXPECT_FALSE(call.time_to_first_chunk);
  ASSERT_TRUE(call.usage);
  EXPECT_EQ(call.usage->prompt_tokens, 12);
  EXPECT_EQ(call.usage->completion_tokens, 3);
}

TEST_F(MeteredProviderTest, AFailedCompletionIsReportedUnderItsErrorCode) {
  scripted_->then(
      ScriptedAnswer::fails(Error{ErrorCode::gateway_timeout, "slow", {}, "upstream_timeout"}));
  auto completion = run_sync(metered_.complete(ChatRequest()));
  ASSERT_FALSE(completion);
  ASSERT_EQ(metrics_.model_calls.size(), 1u);
  EXPECT_EQ(metrics_.model_calls[0].outcome, "upstream_timeout");
}

TEST_F(MeteredProviderTest, AStreamIsReportedOnceAtItsEndWithTimeToFirstChunkAndTokens) {
  scripted_->then(ScriptedAnswer::says_in_pieces({"a", "b", "c"}).with_usage({5, 3, 8}));
  stream();
  ASSERT_EQ(metrics_.model_calls.size(), 1u);
  const auto& call = metrics_.model_calls[0];
  EXPECT_TRUE(call.stream);
  EXPECT_EQ(call.outcome, "ok");
  EXPECT_TRUE(call.time_to_first_chunk);
  ASSERT_TRUE(call.usage);
  EXPECT_EQ(call.usage->completion_tokens, 3);
}

TEST_F(MeteredProviderTest, AStreamDroppedBeforeItsEndIsReportedAsCancelled) {
  scripted_->then(ScriptedAnswer::says_in_pieces({"a", "b", "c"}));
  stream(1);
  ASSERT_EQ(metrics_.model_calls.size(), 1u);
  EXPECT_EQ(metrics_.model_calls[0].outcome, "cancelled");
  EXPECT_TRUE(metrics_.model_calls[0].time_to_first_chunk);
}

TEST_F(MeteredProviderTest, AStreamThatCannotOpenIsReportedWithoutAFirstChunk) {
  scripted_->then(
      ScriptedAnswer::fails(Error{ErrorCode::bad_gateway, "down", {}, "upstream_error"}));
  stream();
  ASSERT_EQ(metrics_.model_calls.size(), 1u);
  EXPECT_EQ(metrics_.model_calls[0].outcome, "upstream_error");
  EXPECT_FALSE(metrics_.model_calls[0].time_to_first_chunk);
}

}  // namespace
}  // namespace agentd
