// Keeping a message list valid for a model: a tool call left without a result gets a
// "not run" answer right after its turn; a valid list is left alone.
#include "application/agent/history.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <string>
#include <vector>

namespace agentd {
namespace {

using ::testing::ElementsAre;

ChatMessage said(std::string role, std::string content = {}) {
  ChatMessage message;
  message.role = std::move(role);
  message.content = std::move(content);
  return message;
}

ChatMessage asked_for(std::vector<std::string> call_ids) {
  ChatMessage message = said("assistant");
  for (auto& id : call_ids) message.tool_calls.push_back({id, "lookup", "{}"});
  return message;
}

ChatMessage answered(std::string call_id) {
  ChatMessage message = said("tool", R"({"ok":true})");
  message.tool_call_id = std::move(call_id);
  message.name = "lookup";
  return message;
}

// "user", "assistant", "tool:call_1", … : the shape of a list at a glance.
std::vector<std::string> shape_of(const std::vector<ChatMessage>& messages) {
  std::vector<std::string> shape;
  for (const auto& message : messages) {
    shape.push_back(message.role == "tool" ? "tool:" + message.tool_call_id : message.role);
  }
  return shape;
}

TEST(AnswerUnansweredCalls, LeavesAValidHistoryAlone) {
  std::vector<ChatMessage> messages{
      said("system"),     said("user"),       asked_for({"call_1", "call_2"}),
      answered("call_1"), answered("call_2"), said("assistant", "done")};
  const auto before = shape_of(messages);

  EXPECT_EQ(answer_unanswered_calls(messages), 0);
  EXPECT_EQ(shape_of(messages), before);
}

TEST(AnswerUnansweredCalls, AnswersAMissingCallAfterTheOthersOfItsTurn) {
  std::vector<ChatMessage> messages{said("user"), asked_for({"call_1", "call_2"}),
                                    answered("call_1"), said("user", "next question")};

  EXPECT_EQ(answer_unanswered_calls(messages), 1);

  EXPECT_THAT(shape_of(messages),
              ElementsAre("user", "assistant", "tool:call_1", "tool:call_2", "user"));
  const auto& added = messages[3];
  EXPECT_EQ(added.name, "lookup");
  const auto content = boost::json::parse(added.content);
  EXPECT_EQ(content.at("code"), "tool_not_run");
}

TEST(AnswerUnansweredCalls, AnswersEveryCallOfATurnAtTheEnd) {
  std::vector<ChatMessage> messages{said("user"), asked_for({"call_1", "call_2"})};

  EXPECT_EQ(answer_unanswered_calls(messages), 2);

  EXPECT_THAT(shape_of(messages), ElementsAre("user", "assistant", "tool:call_1", "tool:call_2"));
}

TEST(AnswerUnansweredCalls, AnswersEachTurnInItsOwnPlace) {
  std::vector<ChatMessage> messages{said("user"),       asked_for({"call_1"}),
                                    said("user"),       asked_for({"call_2", "call_3"}),
                                    answered("call_3"), said("assistant", "done")};

  EXPECT_EQ(answer_unanswered_calls(messages), 2);

  EXPECT_THAT(shape_of(messages),
              ElementsAre("user", "assistant", "tool:call_1", "user", "assistant", "tool:call_3",
                          "tool:call_2", "assistant"));
}

TEST(AnswerUnansweredCalls, AnAnswerOutsideItsTurnDoesNotCount) {
  // call_1's result after another user message cannot answer it: a model reads turns.
  std::vector<ChatMessage> messages{asked_for({"call_1"}), said("user"), answered("call_1")};

  EXPECT_EQ(answer_unanswered_calls(messages), 1);

  EXPECT_THAT(shape_of(messages), ElementsAre("assistant", "tool:call_1", "user", "tool:call_1"));
}

TEST(AnswerUnansweredCalls, IsIdempotent) {
  std::vector<ChatMessage> messages{said("user"), asked_for({"call_1"}), said("user")};
  ASSERT_EQ(answer_unanswered_calls(messages), 1);
  const auto once = shape_of(messages);

  EXPECT_EQ(answer_unanswered_calls(messages), 0);
  EXPECT_EQ(shape_of(messages), once);
}

TEST(AnswerUnansweredCalls, AnEmptyHistoryNeedsNothing) {
  std::vector<ChatMessage> messages;

  EXPECT_EQ(answer_unanswered_calls(messages), 0);
  EXPECT_TRUE(messages.empty());
}

}  // namespace
}  // namespace agentd
