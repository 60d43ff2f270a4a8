// The ReAct loop: the model asks for tools, they run (concurrently, each with its timeout and
// the caller's permissions), their results go back to the model, until it answers; at the
// step limit it must answer without tools.
#include "application/agent/react_agent.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <chrono>
#include <string>
#include <vector>

#include "application/agent/history.h"
#include "application/agent/request_memory.h"
#include "application/agent/run_event_log.h"
#include "application/agent_env.h"
#include "application/conversations/conversation_memory.h"

namespace agentd {
namespace {

using namespace std::chrono_literals;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::vector<Message> tool_messages(const std::vector<Message>& messages) {
  std::vector<Message> tools;
  for (const auto& message : messages) {
    if (message.role == "tool") tools.push_back(message);
  }
  return tools;
}

class ReactAgentTest : public ::testing::Test {
 protected:
  FinishedTurn ask(TurnRequest request, const Principal& as) {
    auto finished = env.turn_of(as, std::move(request));
    if (!finished) throw std::runtime_error("the turn failed: " + finished.error().message);
    return std::move(*finished);
  }
  FinishedTurn ask(std::string message) {
    return ask(turn(conversation.id, std::move(message)), caller);
  }

  std::vector<Message> history() { return env.stored_messages(conversation.id); }

  AgentEnv env;
  Principal caller = user_caller();
  Conversation conversation = env.given_conversation(caller);
};

TEST_F(ReactAgentTest, AnswersAQuestionThroughOneToolCall) {
  auto calculator = env.given_tool("calculator");
  calculator->returns(boost::json::parse(R"({"result":4})"));
  env.provider
      ->then(ScriptedAnswer::calls({tool_call("call_1", "calculator", R"({"expression":"2+2"})")}))
      .then(ScriptedAnswer::says("2+2 is 4."));

  auto finished = ask("What is 2+2?");

  EXPECT_EQ(finished.result.run.status, RunStatus::completed);
  EXPECT_EQ(finished.result.run.steps, 2);
  ASSERT_EQ(calculator->calls(), 1);
  EXPECT_EQ(calculator->received()[0], (boost::json::object{{"expression", "2+2"}}));
  const auto audited = env.audit.records();
  ASSERT_EQ(audited.size(), 1u);
  EXPECT_EQ(audited[0].tool, "calculator");
  EXPECT_EQ(audited[0].conversation_id, conversation.id);

  const auto messages = history();
  ASSERT_THAT(roles_of(messages), ElementsAre("user", "assistant", "tool", "assistant"));
  EXPECT_EQ(messages[0].content, "What is 2+2?");
  EXPECT_THAT(messages[1].tool_calls,
              ElementsAre(tool_call("call_1", "calculator", R"({"expression":"2+2"})")));
  EXPECT_EQ(messages[2].tool_call_id, "call_1");
  EXPECT_EQ(messages[2].name, "calculator");
  EXPECT_EQ(boost::json::parse(messages[2].content), boost::json::parse(R"({"result":4})"));
  EXPECT_EQ(messages[3].content, "2+2 is 4.");
  EXPECT_TRUE(messages[3].tool_calls.empty());

  // The model's second request carries its own tool call and the tool's result.
  const auto requests = env.provider->requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[0].model, kUpstreamModel);
  const auto& second = requests[1].messages;
  ASSERT_EQ(second.size(), 3u);
  EXPECT_EQ(second[0].role, "user");
  EXPECT_EQ(second[1].role, "assistant");
  EXPECT_EQ(second[1].tool_calls.size(), 1u);
  EXPECT_EQ(second[2].role, "tool");
  EXPECT_EQ(second[2].tool_call_id, "call_1");
  EXPECT_EQ(boost::json::parse(second[2].content), boost::json::parse(R"({"result":4})"));
}

TEST_F(ReactAgentTest, RunsTheToolCallsOfOneStepAtOnce) {
  auto slow = env.given_tool("slow");
  slow->sleeps_for(100ms);
  env.provider
      ->then(ScriptedAnswer::calls(
          {tool_call("call_1", "slow", R"({"n":1})"), tool_call("call_2", "slow", R"({"n":2})")}))
      .then(ScriptedAnswer::says("Both done."));

  auto finished = ask("Run both.");

  EXPECT_EQ(finished.result.run.status, RunStatus::completed);
  EXPECT_EQ(slow->calls(), 2);
  EXPECT_EQ(slow->most_at_once(), 2);
}

TEST_F(ReactAgentTest, ToolResultsKeepTheModelsOrderWhateverOrderTheyFinishIn) {
  env.given_tool("slow")->sleeps_for(80ms).returns(boost::json::parse(R"({"who":"slow"})"));
  env.given_tool("quick")->returns(boost::json::parse(R"({"who":"quick"})"));
  env.provider
      ->then(ScriptedAnswer::calls({tool_call("call_1", "slow"), tool_call("call_2", "quick")}))
      .then(ScriptedAnswer::says("Done."));

  auto finished = ask("Run both.");

  // They finished quick first…
  std::vector<std::string> completed;
  for (const auto& numbered : events_of(*finished.live)) {
    if (const auto* done = std::get_if<ToolCallCompleted>(&numbered.event)) {
      completed.push_back(done->result.tool_call_id);
    }
  }
  EXPECT_THAT(completed, ElementsAre("call_2", "call_1"));
  // …and are stored, and sent back, in the order the model asked for them.
  const auto tools = tool_messages(history());
  ASSERT_EQ(tools.size(), 2u);
  EXPECT_EQ(tools[0].tool_call_id, "call_1");
  EXPECT_THAT(tools[0].content, HasSubstr("slow"));
  EXPECT_EQ(tools[1].tool_call_id, "call_2");
  EXPECT_THAT(tools[1].content, HasSubstr("quick"));
  const auto second = env.provider->requests().at(1).messages;
  ASSERT_EQ(second.size(), 4u);
  EXPECT_EQ(second[2].tool_call_id, "call_1");
  EXPECT_EQ(second[3].tool_call_id, "call_2");
}

TEST_F(ReactAgentTest, AToolErrorBecomesAToolMessageTheModelSees) {
  env.given_tool("disk")->fails_with("the disk is full");
  env.provider->then(ScriptedAnswer::calls({tool_call("call_1", "disk")}))
      .then(ScriptedAnswer::says("Sorry, the disk is full."));

  auto finished = ask("Save it.");

  EXPECT_EQ(finished.result.run.status, RunStatus::completed);
  EXPECT_EQ(finished.result.message->content, "Sorry, the disk is full.");
  const auto tools = tool_messages(history());
  ASSERT_EQ(tools.size(), 1u);
  const auto content = boost::json::parse(tools[0].content);
  EXPECT_EQ(content.at("error"), "the disk is full");
  EXPECT_EQ(content.at("code"), "tool_error");
  EXPECT_EQ(env.provider->requests().at(1).messages.back().content, tools[0].content);
}

TEST_F(ReactAgentTest, AToolTimeoutBecomesAToolMessageTheModelSees) {
  auto stuck = env.given_tool("stuck");
  stuck->sleeps_for(10s).with_timeout(30ms);
  env.provider->then(ScriptedAnswer::calls({tool_call("call_1", "stuck")}))
      .then(ScriptedAnswer::says("It timed out."));
  const auto started = std::chrono::steady_clock::now();

  auto finished = ask("Try it.");

  EXPECT_LT(std::chrono::steady_clock::now() - started, 5s);
  EXPECT_EQ(finished.result.run.status, RunStatus::completed);
  EXPECT_EQ(stuck->cancellations(), 1);
  const auto tools = tool_messages(history());
  ASSERT_EQ(tools.size(), 1u);
  const auto content = boost::json::parse(tools[0].content);
  EXPECT_EQ(content.at("code"), "tool_timeout");
  EXPECT_THAT(std::string(content.at("error").as_string()), HasSubstr("timed out"));
  EXPECT_EQ(env.provider->requests().at(1).messages.back().content, tools[0].content);
}

TEST_F(ReactAgentTest, AtTheStepLimitTheModelMustAnswerWithoutTools) {
  auto lookup = env.given_tool("lookup");
  env.provider->then(ScriptedAnswer::calls({tool_call("call_1", "lookup")}))
      .then(ScriptedAnswer::calls({tool_call("call_2", "lookup")}))
      // Offered no tools, it still asks for one: the call is dropped, the text kept.
      .then(ScriptedAnswer::says("Best I can do.").with_calls({tool_call("call_3", "lookup")}));
  auto request = turn(conversation.id, "Look it up, again and again.");
  request.max_steps = 2;

  auto finished = ask(std::move(request), caller);

  const auto requests = env.provider->requests();
  ASSERT_EQ(requests.size(), 3u);
  EXPECT_THAT(names_of(requests[0].tools), ElementsAre("lookup"));
  EXPECT_THAT(names_of(requests[1].tools), ElementsAre("lookup"));
  EXPECT_TRUE(requests[2].tools.empty());
  EXPECT_EQ(lookup->calls(), 2);
  EXPECT_EQ(finished.result.run.status, RunStatus::completed);
  EXPECT_EQ(finished.result.run.steps, 3);
  ASSERT_TRUE(finished.result.message);
  EXPECT_EQ(finished.result.message->content, "Best I can do.");
  EXPECT_TRUE(finished.result.message->tool_calls.empty());

  const auto messages = history();
  EXPECT_THAT(roles_of(messages),
              ElementsAre("user", "assistant", "tool", "assistant", "tool", "assistant"));
  std::vector<ChatMessage> chat;
  for (const auto& message : messages) chat.push_back(to_chat_message(message));
  EXPECT_EQ(answer_unanswered_calls(chat), 0);
  EXPECT_TRUE(messages.back().tool_calls.empty());
}

TEST_F(ReactAgentTest, AToolOutsideTheCallersAclIsRefusedAndNeverRuns) {
  env.given_tool("calculator");
  auto secret = env.given_tool("secret");
  caller.allowed_tools = std::vector<std::string>{"calculator"};
  env.provider->then(ScriptedAnswer::calls({tool_call("call_1", "secret")}))
      .then(ScriptedAnswer::says("I may not."));

  auto finished = ask("Tell me the secret.");

  EXPECT_EQ(secret->calls(), 0);
  EXPECT_EQ(finished.result.run.status, RunStatus::completed);
  const auto tools = tool_messages(history());
  ASSERT_EQ(tools.size(), 1u);
  EXPECT_EQ(tools[0].tool_call_id, "call_1");
  EXPECT_EQ(boost::json::parse(tools[0].content).at("code"), "tool_not_allowed");
  EXPECT_EQ(env.provider->requests().at(1).messages.back().content, tools[0].content);
}

TEST_F(ReactAgentTest, AToolNotOfferedInThisRunIsRefusedAndNeverRuns) {
  env.given_tool("calculator");
  auto weather = env.given_tool("weather");
  env.provider->then(ScriptedAnswer::calls({tool_call("call_1", "weather")}))
      .then(ScriptedAnswer::says("No weather for you."));
  auto request = turn(conversation.id, "Weather?");
  request.tools = std::vector<std::string>{"calculator"};

  ask(std::move(request), caller);

  EXPECT_EQ(weather->calls(), 0);
  EXPECT_THAT(names_of(env.provider->requests().at(0).tools), ElementsAre("calculator"));
  const auto tools = tool_messages(history());
  ASSERT_EQ(tools.size(), 1u);
  const auto content = boost::json::parse(tools[0].content);
  EXPECT_EQ(content.at("code"), "tool_not_allowed");
  EXPECT_THAT(std::string(content.at("error").as_string()), HasSubstr("weather"));
}

TEST_F(ReactAgentTest, SumsTheUsageOfEveryModelCallIntoTheRun) {
  env.given_tool("lookup");
  env.provider->then(ScriptedAnswer::calls({tool_call("call_1", "lookup")}).with_usage({10, 5, 15}))
      .then(ScriptedAnswer::says("Found it.").with_usage({20, 7, 27}));

  auto finished = ask("Find it.");

  const Usage total{30, 12, 42};
  EXPECT_EQ(finished.result.run.usage, total);
  EXPECT_EQ(env.stored_run(finished.result.run.id).usage, total);
  // Each answer keeps what it cost.
  const auto messages = history();
  EXPECT_EQ(messages[1].usage, (Usage{10, 5, 15}));
  EXPECT_EQ(messages[3].usage, (Usage{20, 7, 27}));
  EXPECT_EQ(finished.result.message->usage, (Usage{20, 7, 27}));
}

TEST_F(ReactAgentTest, OffersTheModelOnlyTheToolsTheCallerMayUse) {
  auto calculator = std::make_shared<FakeTool>("calculator");
  calculator->with_parameters(R"({"type":"object","properties":{"x":{"type":"number"}}})");
  env.given(calculator);
  env.given_tool("clock");
  env.given_tool("secret");
  caller.allowed_tools = std::vector<std::string>{"calculator", "clock"};
  env.provider->then(ScriptedAnswer::says("Hello."));

  ask("Hi.");

  const auto offered = env.provider->requests().at(0).tools;
  ASSERT_THAT(names_of(offered), ElementsAre("calculator", "clock"));
  EXPECT_EQ(offered[0].description, "a scripted tool for tests");
  EXPECT_EQ(offered[0].parameters,
            boost::json::parse(R"({"type":"object","properties":{"x":{"type":"number"}}})"));
}

TEST_F(ReactAgentTest, ToolsNeedingApprovalAreOfferedOnlyWhereARunCanPause) {
  env.given_tool("calculator");
  env.given_tool("secret");
  auto deploy = std::make_shared<FakeTool>("deploy");
  deploy->with_approval_required();
  env.given(deploy);
  env.given_tool("email");
  caller.allowed_tools = std::vector<std::string>{"calculator", "deploy", "email"};
  caller.approval_required_tools = {"email"};

  EXPECT_THAT(env.agent.default_tools(caller, WithApproval::no), ElementsAre("calculator"));
  EXPECT_THAT(env.agent.default_tools(caller, WithApproval::yes),
              ElementsAre("calculator", "deploy", "email"));
  for (const char* name : {"deploy", "email"}) {
    auto refused = env.agent.choose_tools(caller, {name}, WithApproval::no);
    ASSERT_FALSE(refused) << name;
    EXPECT_EQ(refused.error().code, "tool_requires_approval") << name;
    auto chosen = env.agent.choose_tools(caller, {name}, WithApproval::yes);
    ASSERT_TRUE(chosen) << name;
    EXPECT_THAT(*chosen, ElementsAre(name));
  }
}

TEST_F(ReactAgentTest, GivesAnIdToAToolCallTheModelLeftWithoutOne) {
  env.given_tool("lookup");
  env.provider->then(ScriptedAnswer::calls({tool_call("", "lookup")}))
      .then(ScriptedAnswer::says("Done."));

  ask("Look.");

  const auto messages = history();
  ASSERT_EQ(messages.size(), 4u);
  ASSERT_EQ(messages[1].tool_calls.size(), 1u);
  const auto id = messages[1].tool_calls[0].id;
  EXPECT_THAT(id, ::testing::StartsWith("call_"));
  EXPECT_EQ(messages[2].tool_call_id, id);
}

// Driven directly, as a resumed run would be: the state names a tool the caller's key may
// not use (its permissions changed), and ExecuteTool still refuses it.
TEST_F(ReactAgentTest, AToolInTheRunsStateIsStillCheckedAgainstTheCallersAcl) {
  auto secret = env.given_tool("secret");
  caller.allowed_tools = std::vector<std::string>{};
  env.provider->then(ScriptedAnswer::calls({tool_call("call_1", "secret")}))
      .then(ScriptedAnswer::says("Refused."));
  ChatMessage question;
  question.role = "user";
  question.content = "The secret?";
  RequestMemory memory({question});
  RunEventLog events(env.clock);
  AgentContext context{caller, memory, events, "run-1", std::nullopt};
  AgentState state;
  state.model = std::string(kTestModel);
  state.tools = {"secret"};
  state.max_steps = 4;

  graph::Start beginning;
  auto report = run_sync(env.agent.run(context, state, std::move(beginning)));

  EXPECT_EQ(report.outcome, graph::Outcome::finished);
  EXPECT_EQ(secret->calls(), 0);
  ASSERT_EQ(state.messages.size(), 4u);
  const auto content = boost::json::parse(state.messages[2].content);
  EXPECT_EQ(content.at("code"), "tool_not_allowed");
  EXPECT_THAT(std::string(content.at("error").as_string()), HasSubstr("may not use tool secret"));
  // Stateless: nothing was checkpointed.
  EXPECT_EQ(env.checkpoints.saves(), 0);
}

TEST(ToolMessage, ExplainsAnErrorWithItsCode) {
  ToolResult result;
  result.tool_call_id = "call_1";
  result.name = "calculator";
  result.error = tool_error("division by zero");

  const auto message = tool_message(result);

  EXPECT_EQ(message.role, "tool");
  EXPECT_EQ(message.tool_call_id, "call_1");
  EXPECT_EQ(message.name, "calculator");
  EXPECT_EQ(boost::json::parse(message.content),
            boost::json::parse(R"({"error":"division by zero","code":"tool_error"})"));
}

TEST(ToolMessage, IsTheResultsJsonOrItsTextWhenAString) {
  ToolResult object;
  object.result = boost::json::parse(R"({"result":14})");
  ToolResult text;
  text.result = boost::json::string("plain text");
  ToolResult nothing;

  EXPECT_EQ(boost::json::parse(tool_message_content(object)),
            boost::json::parse(R"({"result":14})"));
  EXPECT_EQ(tool_message_content(text), "plain text");
  EXPECT_EQ(tool_message_content(nothing), "null");
}

TEST(ToolMessage, NotRunIsAToolNotRunError) {
  const auto result = not_run(tool_call("call_9", "lookup"), "the run stopped");

  EXPECT_EQ(result.tool_call_id, "call_9");
  EXPECT_EQ(result.name, "lookup");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error->code, "tool_not_run");
  EXPECT_EQ(result.error->message, "the run stopped");
}

}  // namespace
}  // namespace agentd
