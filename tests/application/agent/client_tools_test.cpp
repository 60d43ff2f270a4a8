// Tools the client runs itself (the Responses API's function tools): offered to the model
// beside the run's own, never run here; a call to one ends the run with the call unanswered,
// and the client's next turn answers it.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "application/agent_env.h"
#include "application/responses/response_tracker.h"
#include "fakes/fake_response_repository.h"

namespace agentd {
namespace {

using ::testing::ElementsAre;

ToolDefinition weather_tool() {
  return ToolDefinition{"get_weather", "The weather in a city",
                        boost::json::object{{"type", "object"}}};
}

class ClientToolsTest : public ::testing::Test {
 protected:
  TurnRequest client_turn(std::string message) {
    auto request = turn(conversation.id, std::move(message));
    request.client_tools = {weather_tool()};
    return request;
  }
  FinishedTurn ask(TurnRequest request) {
    auto finished = env.turn_of(caller, std::move(request));
    if (!finished) throw std::runtime_error("the turn failed: " + finished.error().message);
    return std::move(*finished);
  }

  AgentEnv env;
  Principal caller = user_caller();
  Conversation conversation = env.given_conversation(caller);
};

TEST_F(ClientToolsTest, AClientCallEndsTheRunUnansweredAndIsNeverRunHere) {
  auto calculator = env.given_tool("calculator");
  env.provider->then(
      ScriptedAnswer::calls({tool_call("call_1", "get_weather", R"({"city":"Paris"})")}));

  auto request = client_turn("Weather in Paris?");
  request.tools = std::vector<std::string>{"calculator"};
  auto finished = ask(std::move(request));

  EXPECT_EQ(finished.result.run.status, RunStatus::completed);
  EXPECT_EQ(finished.result.run.steps, 1);
  EXPECT_EQ(calculator->calls(), 0);
  EXPECT_TRUE(env.audit.records().empty());
  // The call stays unanswered in the history, for the client to answer.
  EXPECT_THAT(roles_of(env.stored_messages(conversation.id)), ElementsAre("user", "assistant"));
  // Both kinds of tool were offered: the run's, then the client's.
  const auto requests = env.provider->requests();
  ASSERT_EQ(requests.size(), 1u);
  ASSERT_EQ(requests[0].tools.size(), 2u);
  EXPECT_EQ(requests[0].tools[0].name, "calculator");
  EXPECT_EQ(requests[0].tools[1].name, "get_weather");
  // Followers hear of the call the client must make.
  const auto names = event_names(events_of(*finished.live));
  EXPECT_THAT(names, ElementsAre("run.started", "tool_call.started", "run.completed"));
}

TEST_F(ClientToolsTest, TheRunsOwnToolsRunBeforeTheRunEndsForTheClientsCall) {
  auto calculator = env.given_tool("calculator");
  calculator->returns(boost::json::parse(R"({"result":42})"));
  env.provider->then(
      ScriptedAnswer::calls({tool_call("call_1", "calculator", R"({"expression":"6*7"})"),
                             tool_call("call_2", "get_weather", R"({"city":"Oslo"})")}));

  auto request = client_turn("Both, please.");
  request.tools = std::vector<std::string>{"calculator"};
  auto finished = ask(std::move(request));

  EXPECT_EQ(finished.result.run.status, RunStatus::completed);
  EXPECT_EQ(calculator->calls(), 1);
  const auto messages = env.stored_messages(conversation.id);
  ASSERT_THAT(roles_of(messages), ElementsAre("user", "assistant", "tool"));
  EXPECT_EQ(messages[2].tool_call_id, "call_1");
  EXPECT_EQ(env.provider->requests().size(), 1u);  // nothing asked until the client answers
}

TEST_F(ClientToolsTest, TheClientsNextTurnAnswersTheCallAndTheModelGoesOn) {
  env.provider
      ->then(ScriptedAnswer::calls({tool_call("call_1", "get_weather", R"({"city":"Paris"})")}))
      .then(ScriptedAnswer::says("It is sunny in Paris."));
  ask(client_turn("Weather in Paris?"));

  ChatMessage output;
  output.role = "tool";
  output.tool_call_id = "call_1";
  output.content = "sunny, 24 C";
  TurnRequest next;
  next.conversation_id = conversation.id;
  next.input = {output};
  next.client_tools = {weather_tool()};
  auto finished = ask(std::move(next));

  EXPECT_EQ(finished.result.run.status, RunStatus::completed);
  ASSERT_TRUE(finished.result.message);
  EXPECT_EQ(finished.result.message->content, "It is sunny in Paris.");
  const auto requests = env.provider->requests();
  ASSERT_EQ(requests.size(), 2u);
  const auto& sent = requests[1].messages;
  ASSERT_EQ(sent.size(), 3u);
  EXPECT_EQ(sent[1].tool_calls.size(), 1u);
  EXPECT_EQ(sent[2].role, "tool");
  EXPECT_EQ(sent[2].tool_call_id, "call_1");
  EXPECT_EQ(sent[2].content, "sunny, 24 C");
}

TEST_F(ClientToolsTest, InstructionsAreTheSystemMessageOfThisRunOnly) {
  env.provider->then(ScriptedAnswer::says("Bonjour.")).then(ScriptedAnswer::says("Hello."));
  auto request = turn(conversation.id, "Greet me.");
  request.instructions = "Answer in French.";
  ask(std::move(request));
  ask(turn(conversation.id, "Again."));

  const auto requests = env.provider->requests();
  ASSERT_EQ(requests.size(), 2u);
  ASSERT_FALSE(requests[0].messages.empty());
  EXPECT_EQ(requests[0].messages[0].role, "system");
  EXPECT_EQ(requests[0].messages[0].content, "Answer in French.");
  EXPECT_EQ(requests[1].messages[0].role, "user");
}

// The tracker ends the response whose part of the run just ended: its status, where its
// output stops, and what the part cost.
TEST_F(ClientToolsTest, TheTrackerEndsTheOpenResponseOfARunThatEnded) {
  FakeResponseRepository responses;
  ResponseTracker tracker(responses, env.conversations, env.clock);
  env.runs.observe_with(tracker);
  StoredResponse response;
  response.id = "resp-1";
  response.user_id = caller.user_id;
  response.conversation_id = conversation.id;
  response.run_id = "run-for-resp-1";
  response.status = ResponseStatus::in_progress;
  response.created_at = env.clock.now();
  ASSERT_TRUE(run_sync(responses.create(response)));
  env.provider->then(ScriptedAnswer::says("Done.").with_usage(Usage{7, 2, 9}));

  auto request = turn(conversation.id, "Go.");
  request.run_id = response.run_id;
  auto finished = ask(std::move(request));

  auto ended = run_sync(responses.find(caller.user_id, "resp-1"));
  ASSERT_TRUE(ended);
  EXPECT_EQ(ended->status, ResponseStatus::completed);
  EXPECT_EQ(ended->output_until, 2);  // the user's message, then the answer
  EXPECT_EQ(ended->usage, (Usage{7, 2, 9}));
  EXPECT_EQ(finished.result.run.usage, (Usage{7, 2, 9}));
  EXPECT_TRUE(ended->completed_at);
}

}  // namespace
}  // namespace agentd
