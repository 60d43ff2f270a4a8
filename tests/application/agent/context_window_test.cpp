// A conversation longer than its model's window: what each call sends, the retry after a
// refusal for length, truncation disabled, and the learned token ratio.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "application/agent/context_fit.h"
#include "application/agent_env.h"

namespace agentd {
namespace {

using ::testing::HasSubstr;

Error refused_for_length() {
  return Error::invalid("This model's maximum context length is 600 tokens.", "messages",
                        "context_length_exceeded");
}

class ContextWindowTest : public ::testing::Test {
 protected:
  // Each turn: a 400-byte question and a 400-byte answer, about 210 estimated tokens.
  FinishedTurn talk(TurnRequest request) {
    auto finished = env.turn_of(caller, std::move(request));
    if (!finished) throw std::runtime_error("the turn failed: " + finished.error().message);
    return std::move(*finished);
  }
  FinishedTurn talk(int n) {
    env.provider->then(ScriptedAnswer::says(std::string(400, 'a')));
    return talk(turn(conversation.id, question(n)));
  }
  static std::string question(int n) { return std::to_string(n) + std::string(400, 'q'); }

  // A window of 1,000 tokens, 100 kept for the answer: four turns fit, with the margin.
  AgentEnv env{AgentSettings{}, ContextLimits{1'000, 100}};
  Principal caller = user_caller();
  Conversation conversation = env.given_conversation(caller, "Be brief.");
};

TEST_F(ContextWindowTest, SendsTheSystemPromptAndTheNewestTurnsThatFit) {
  agentd::Run last;
  for (int n = 0; n < 12; ++n) last = talk(n).result.run;
  const auto sent = env.provider->requests().back().messages;
  ASSERT_GE(sent.size(), 3u);
  EXPECT_EQ(sent.front().role, "system");
  EXPECT_EQ(sent.at(1).role, "user");
  EXPECT_EQ(sent.back().content, question(11));
  EXPECT_LT(sent.size(), 1u + 2 * 12 - 1);
  // The run says what it sent and left out; the stored history keeps everything.
  EXPECT_EQ(last.messages_sent, static_cast<int>(sent.size()));
  EXPECT_EQ(last.messages_left_out, static_cast<int>(1 + 2 * 12 - 1 - sent.size()));
  EXPECT_EQ(env.stored_messages(conversation.id).size(), 2u * 12);
}

TEST_F(ContextWindowTest, ARefusalForLengthIsRetriedOnceWithLess) {
  for (int n = 0; n < 3; ++n) talk(n);
  env.provider->then(ScriptedAnswer::fails(refused_for_length()));
  env.provider->then(ScriptedAnswer::says("short enough"));
  auto finished = talk(turn(conversation.id, question(3)));
  EXPECT_EQ(finished.result.run.status, RunStatus::completed);
  const auto requests = env.provider->requests();
  ASSERT_GE(requests.size(), 2u);
  const auto& refused = requests[requests.size() - 2].messages;
  const auto& retried = requests.back().messages;
  EXPECT_LT(retried.size(), refused.size());
  EXPECT_EQ(retried.back().content, question(3));
}

TEST_F(ContextWindowTest, ASecondRefusalFailsTheRunClearlyAndTheConversationGoesOn) {
  for (int n = 0; n < 3; ++n) talk(n);
  env.provider->then(ScriptedAnswer::fails(refused_for_length()));
  env.provider->then(ScriptedAnswer::fails(refused_for_length()));
  auto failed = talk(turn(conversation.id, question(3)));
  EXPECT_EQ(failed.result.run.status, RunStatus::failed);
  EXPECT_THAT(failed.result.run.error.value_or(""), HasSubstr("context_length_exceeded"));
  EXPECT_THAT(failed.result.run.error.value_or(""), HasSubstr("newest turn alone"));
  EXPECT_EQ(talk(4).result.run.status, RunStatus::completed);
}

TEST_F(ContextWindowTest, DisabledSendsEverythingAndSaysSoWhenRefused) {
  for (int n = 0; n < 12; ++n) talk(n);
  env.provider->then(ScriptedAnswer::fails(refused_for_length()));
  auto request = turn(conversation.id, question(12));
  request.truncation = Truncation::disabled;
  auto failed = talk(std::move(request));
  EXPECT_EQ(env.provider->requests().back().messages.size(), 1u + 2 * 12 + 1);
  EXPECT_EQ(failed.result.run.status, RunStatus::failed);
  EXPECT_THAT(failed.result.run.error.value_or(""), HasSubstr("context_length_exceeded"));
  EXPECT_THAT(failed.result.run.error.value_or(""), HasSubstr("truncation is disabled"));
  // Not retried: disabled means the whole history or nothing.
  EXPECT_EQ(env.provider->requests().size(), 13u);
  EXPECT_EQ(talk(13).result.run.status, RunStatus::completed);
}

TEST_F(ContextWindowTest, LearnsHowTheUpstreamCountsAndSendsLessWhenItCountsMore) {
  for (int n = 0; n < 12; ++n) talk(n);
  const auto before = env.provider->requests().back().messages.size();
  // The upstream reports twice the estimate: the next run fits half as much.
  const auto sent = env.provider->requests().back().messages;
  Usage doubled{2 * estimated_tokens(sent), 10, 2 * estimated_tokens(sent) + 10};
  env.provider->then(ScriptedAnswer::says("counted").with_usage(doubled));
  auto learned = talk(turn(conversation.id, question(12)));
  EXPECT_NEAR(learned.result.run.token_ratio, 2.0, 0.3);
  talk(13);
  EXPECT_LT(env.provider->requests().back().messages.size(), before);
}

}  // namespace
}  // namespace agentd
