#include "application/agent/context_fit.h"

#include <gtest/gtest.h>

#include <string>

namespace agentd {
namespace {

ChatMessage text(std::string role, std::size_t bytes) {
  ChatMessage message;
  message.role = std::move(role);
  message.content = std::string(bytes, 'x');
  return message;
}

ChatMessage calls(std::string id) {
  ChatMessage message;
  message.role = "assistant";
  message.tool_calls.push_back(ModelToolCall{id, "calculator", R"({"expression":"1+1"})"});
  return message;
}

ChatMessage result(std::string id) {
  ChatMessage message;
  message.role = "tool";
  message.tool_call_id = std::move(id);
  message.content = "2";
  return message;
}

// system, then `turns` turns of user (400 bytes) + tool call + result + answer (400 bytes).
std::vector<ChatMessage> history(int turns) {
  std::vector<ChatMessage> messages{text("system", 40)};
  for (int i = 0; i < turns; ++i) {
    const auto id = "call_" + std::to_string(i);
    messages.push_back(text("user", 400));
    messages.push_back(calls(id));
    messages.push_back(result(id));
    messages.push_back(text("assistant", 400));
  }
  return messages;
}

TEST(ContextFit, EstimatesAboutFourBytesATokenPlusFraming) {
  EXPECT_EQ(estimated_tokens(text("user", 400)), 104);
  EXPECT_EQ(estimated_tokens(text("user", 0)), 4);
  // Tool calls count: a turn's calls are not free.
  EXPECT_GT(estimated_tokens(calls("call_1")), 4);
}

TEST(ContextFit, SendsEverythingThatFits) {
  const auto messages = history(3);
  const auto fitted = fit_history(messages, 100'000, 0);
  EXPECT_EQ(fitted.messages.size(), messages.size());
  EXPECT_EQ(fitted.left_out, 0);
  EXPECT_EQ(fitted.estimated, estimated_tokens(messages));
}

TEST(ContextFit, LeavesOutTheOldestWholeTurnsAndKeepsTheSystemPrompt) {
  const auto messages = history(10);
  const auto one_turn =
      estimated_tokens(std::vector<ChatMessage>(messages.begin() + 1, messages.begin() + 5));
  const auto budget = estimated_tokens(messages[0]) + 3 * one_turn;
  const auto fitted = fit_history(messages, budget, 0);
  ASSERT_EQ(fitted.messages.size(), 1u + 3 * 4);
  EXPECT_EQ(fitted.left_out, 7 * 4);
  EXPECT_EQ(fitted.messages[0].role, "system");
  EXPECT_EQ(fitted.messages[1].role, "user");
  // The newest three turns, in order, each call with its result.
  EXPECT_EQ(fitted.messages[2].tool_calls.at(0).id, "call_7");
  EXPECT_EQ(fitted.messages[3].tool_call_id, "call_7");
  EXPECT_EQ(fitted.messages.back().content, messages.back().content);
  EXPECT_LE(fitted.estimated, budget);
}

TEST(ContextFit, NeverSplitsAToolCallFromItsResults) {
  // The newest turn holds many tool rounds; an older turn cannot be cut in half.
  auto messages = history(4);
  for (int i = 0; i < 5; ++i) {
    messages.push_back(calls("extra_" + std::to_string(i)));
    messages.push_back(result("extra_" + std::to_string(i)));
  }
  for (std::int64_t budget = 0; budget < estimated_tokens(messages); budget += 37) {
    const auto fitted = fit_history(messages, budget, 0);
    // Every tool result answers a call sent before it, and every call is answered.
    std::vector<std::string> open;
    for (const auto& message : fitted.messages) {
      for (const auto& call : message.tool_calls) open.push_back(call.id);
      if (message.role == "tool") {
        ASSERT_FALSE(open.empty()) << "budget " << budget;
        EXPECT_EQ(std::erase(open, message.tool_call_id), 1u) << "budget " << budget;
      }
    }
    EXPECT_TRUE(open.empty()) << "budget " << budget;
    // Only user messages start what is sent after the system prompt.
    EXPECT_EQ(fitted.messages.at(1).role, "user") << "budget " << budget;
  }
}

TEST(ContextFit, KeepsTheNewestTurnEvenOverTheBudget) {
  const auto messages = history(5);
  const auto fitted = fit_history(messages, 1, 0);
  EXPECT_EQ(fitted.messages.size(), 1u + 4);
  EXPECT_EQ(fitted.left_out, 16);
}

TEST(ContextFit, TheLearnedRatioScalesTheEstimate) {
  const auto messages = history(10);
  const auto at_one = fit_history(messages, 1'000, 0);
  const auto doubled = fit_history(messages, 1'000, 2.0);
  const auto halved = fit_history(messages, 1'000, 0.5);
  EXPECT_GT(doubled.left_out, at_one.left_out);
  EXPECT_LT(halved.left_out, at_one.left_out);
}

TEST(ContextFit, LearnsTheRatioWithinBounds) {
  EXPECT_DOUBLE_EQ(learned_token_ratio(150, 100), 1.5);
  EXPECT_DOUBLE_EQ(learned_token_ratio(10'000, 100), 4.0);
  EXPECT_DOUBLE_EQ(learned_token_ratio(1, 100), 0.25);
  EXPECT_EQ(learned_token_ratio(0, 100), 0);  // no report: nothing learned
}

TEST(ContextFit, TheBudgetKeepsRoomForTheAnswerAndTheTools) {
  const ContextLimits limits{10'000, 1'000};
  EXPECT_EQ(history_budget(limits, 0, 0), 8'100);
  EXPECT_EQ(history_budget(limits, 4'000, 1'000), 4'500);
  EXPECT_EQ(history_budget(limits, 20'000, 0), 0);
}

TEST(ContextLimits, KnowsTheNamedFamiliesAndIsCarefulWithOthers) {
  EXPECT_EQ(default_context_limits("gpt-4o-mini").context_window, 128'000);
  EXPECT_EQ(default_context_limits("claude-3-5-haiku-latest").context_window, 200'000);
  EXPECT_EQ(default_context_limits("gpt-4.1-mini").context_window, 1'047'576);
  EXPECT_EQ(default_context_limits("llama3"), (ContextLimits{32'768, 4'096}));
}

}  // namespace
}  // namespace agentd
