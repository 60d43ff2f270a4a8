// Agent mode of chat completions: the ReAct loop over the request's own messages, events
// streamed as it goes, nothing stored, and never a tool that needs approval.
#include "application/agent/agent_completion.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <string>
#include <vector>

#include "application/agent_env.h"

namespace agentd {
namespace {

using boost::asio::awaitable;
using ::testing::ElementsAre;

struct CompletedRun {
  StartedAgentRun started;
  RunEvent outcome;
};

awaitable<Result<CompletedRun>> start_and_finish(AgentCompletion& completion,
                                                 const Principal& caller,
                                                 AgentCompletionRequest request) {
  auto started = co_await completion.start(caller, std::move(request));
  if (!started) co_return started.error();
  auto outcome = co_await started->live->outcome();
  CompletedRun completed{std::move(*started), std::move(outcome)};
  co_return completed;
}

ChatMessage user_message(std::string content) {
  ChatMessage message;
  message.role = "user";
  message.content = std::move(content);
  return message;
}

AgentCompletionRequest asking(std::string question) {
  AgentCompletionRequest request;
  request.messages.push_back(user_message(std::move(question)));
  return request;
}

class AgentCompletionTest : public ::testing::Test {
 protected:
  Result<CompletedRun> complete(AgentCompletionRequest request) {
    return run_sync(start_and_finish(env.completion, caller, std::move(request)));
  }
  // The run must have completed; its result.
  RunResult completed(AgentCompletionRequest request) {
    auto run = complete(std::move(request));
    if (!run) throw std::runtime_error("the run did not start: " + run.error().message);
    const auto* done = std::get_if<RunCompleted>(&run->outcome);
    if (done == nullptr) throw std::runtime_error("the run did not complete");
    last_run = run->started.live;
    return done->result;
  }
  Error refused(AgentCompletionRequest request) {
    auto run = complete(std::move(request));
    if (run) throw std::runtime_error("the request was accepted");
    return run.error();
  }

  AgentEnv env;
  Principal caller = user_caller();
  std::shared_ptr<LiveRun> last_run;
};

TEST_F(AgentCompletionTest, AnswersTheRequestsMessagesAndStreamsTheAnswer) {
  env.provider->then(ScriptedAnswer::says_in_pieces({"Hel", "lo!"}).with_usage({4, 2, 6}));
  auto request = asking("Say hello.");
  request.model = std::string(kTestModel);

  auto result = completed(std::move(request));

  EXPECT_EQ(result.run.status, RunStatus::completed);
  EXPECT_EQ(result.run.steps, 1);
  EXPECT_EQ(result.run.usage, (Usage{4, 2, 6}));
  ASSERT_TRUE(result.message);
  EXPECT_EQ(result.message->role, "assistant");
  EXPECT_EQ(result.message->content, "Hello!");
  const auto events = events_of(*last_run);
  EXPECT_THAT(event_names(events), ElementsAre("message.delta", "message.delta", "run.completed"));
  EXPECT_EQ(std::get<MessageDelta>(events[0].event).content, "Hel");
  EXPECT_EQ(std::get<MessageDelta>(events[1].event).content, "lo!");
  EXPECT_TRUE(last_run->events().closed());
  const auto sent = env.provider->requests().at(0).messages;
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].content, "Say hello.");
}

TEST_F(AgentCompletionTest, EveryModelCallCarriesTheCallersSamplingSettings) {
  env.given_tool("calculator")->returns(boost::json::parse(R"({"result":14})"));
  env.provider
      ->then(ScriptedAnswer::calls({tool_call("call_1", "calculator", R"({"expression":"2*7"})")}))
      .then(ScriptedAnswer::says("It is 14."));
  auto request = asking("What is 2*7?");
  request.sampling.temperature = 0.2;
  request.sampling.top_p = 0.9;
  request.sampling.max_tokens = 64;
  request.sampling.seed = 7;
  request.sampling.user = "end-user-1";

  completed(std::move(request));

  const auto sent = env.provider->requests();
  ASSERT_EQ(sent.size(), 2u);
  for (const auto& call : sent) {
    EXPECT_EQ(call.temperature, 0.2);
    EXPECT_EQ(call.top_p, 0.9);
    EXPECT_EQ(call.max_tokens, 64);
    EXPECT_EQ(call.seed, 7);
    EXPECT_EQ(call.user, "end-user-1");
  }
}

TEST_F(AgentCompletionTest, RunsItsToolsButStoresNothing) {
  env.given_tool("calculator")->returns(boost::json::parse(R"({"result":14})"));
  env.provider
      ->then(ScriptedAnswer::calls({tool_call("call_1", "calculator", R"({"expression":"2*7"})")}))
      .then(ScriptedAnswer::says("It is 14."));

  auto result = completed(asking("What is 2*7?"));

  EXPECT_EQ(result.message->content, "It is 14.");
  EXPECT_EQ(result.run.steps, 2);
  const auto sent = env.provider->requests().at(1).messages;
  ASSERT_EQ(sent.size(), 3u);
  EXPECT_EQ(sent[2].role, "tool");
  EXPECT_EQ(boost::json::parse(sent[2].content), boost::json::parse(R"({"result":14})"));
  // No checkpoint, no conversation: the run lives only in its events.
  EXPECT_EQ(env.checkpoints.saves(), 0);
  EXPECT_TRUE(last_run->conversation_id().empty());
  auto conversations = run_sync(env.conversations.list(caller.user_id, 10, std::nullopt));
  ASSERT_TRUE(conversations);
  EXPECT_TRUE(conversations->items.empty());
}

TEST_F(AgentCompletionTest, OffersByDefaultOnlyTheToolsAllowedThatNeedNoApproval) {
  env.given_tool("calculator");
  env.given_tool("secret");
  auto deploy = std::make_shared<FakeTool>("deploy");
  deploy->with_approval_required();
  env.given(deploy);
  env.given_tool("email");
  caller.allowed_tools = std::vector<std::string>{"calculator", "deploy", "email"};
  caller.approval_required_tools = {"email"};
  env.provider->then(ScriptedAnswer::says("Hi."));

  completed(asking("Hi."));

  EXPECT_THAT(names_of(env.provider->requests().at(0).tools), ElementsAre("calculator"));
}

TEST_F(AgentCompletionTest, RefusesAToolThatNeedsApproval) {
  auto deploy = std::make_shared<FakeTool>("deploy");
  deploy->with_approval_required();
  env.given(deploy);
  auto request = asking("Deploy.");
  request.tools = std::vector<std::string>{"deploy"};

  auto error = refused(std::move(request));

  EXPECT_EQ(error.kind, ErrorCode::invalid_request);
  EXPECT_EQ(error.code, "tool_requires_approval");
  EXPECT_EQ(error.param, "agent.tools");
  EXPECT_TRUE(env.provider->requests().empty());
}

TEST_F(AgentCompletionTest, RefusesAToolTheCallerMustHaveApproved) {
  env.given_tool("email");
  caller.approval_required_tools = {"email"};
  auto request = asking("Mail it.");
  request.tools = std::vector<std::string>{"email"};

  auto error = refused(std::move(request));

  EXPECT_EQ(error.kind, ErrorCode::invalid_request);
  EXPECT_EQ(error.code, "tool_requires_approval");
}

TEST_F(AgentCompletionTest, RefusesAnUnknownTool) {
  auto request = asking("Hi.");
  request.tools = std::vector<std::string>{"no_such_tool"};

  auto error = refused(std::move(request));

  EXPECT_EQ(error.kind, ErrorCode::invalid_request);
  EXPECT_EQ(error.code, "tool_not_found");
  EXPECT_EQ(error.param, "agent.tools");
}

TEST_F(AgentCompletionTest, RefusesAToolTheCallerMayNotUse) {
  env.given_tool("calculator");
  env.given_tool("secret");
  caller.allowed_tools = std::vector<std::string>{"calculator"};
  auto request = asking("Hi.");
  request.tools = std::vector<std::string>{"calculator", "secret"};

  auto error = refused(std::move(request));

  EXPECT_EQ(error.kind, ErrorCode::forbidden);
  EXPECT_EQ(error.code, "tool_not_allowed");
  EXPECT_EQ(error.param, "agent.tools");
}

TEST_F(AgentCompletionTest, OffersTheRequestedToolsOnceEach) {
  env.given_tool("calculator");
  env.given_tool("clock");
  env.provider->then(ScriptedAnswer::says("Hi."));
  auto request = asking("Hi.");
  request.tools = std::vector<std::string>{"clock", "calculator", "clock"};

  completed(std::move(request));

  EXPECT_THAT(names_of(env.provider->requests().at(0).tools), ElementsAre("clock", "calculator"));
}

TEST_F(AgentCompletionTest, RefusesAStepLimitOutOfRange) {
  for (int steps : {0, -1, env.agent.settings().max_steps_limit + 1}) {
    auto request = asking("Hi.");
    request.max_steps = steps;

    auto error = refused(std::move(request));

    EXPECT_EQ(error.kind, ErrorCode::invalid_request) << steps;
    EXPECT_EQ(error.param, "agent.max_steps") << steps;
  }
}

TEST_F(AgentCompletionTest, RefusesAModelThatDoesNotExist) {
  auto request = asking("Hi.");
  request.model = "no-such-model";

  auto error = refused(std::move(request));

  EXPECT_EQ(error.kind, ErrorCode::not_found);
  EXPECT_EQ(error.code, "model_not_found");
}

TEST_F(AgentCompletionTest, AModelFailureEndsTheRunWithAnError) {
  env.provider->then(ScriptedAnswer::fails(
      Error{ErrorCode::bad_gateway, "the upstream broke", {}, "upstream_error"}));

  auto run = complete(asking("Hi."));

  ASSERT_TRUE(run) << run.error().message;
  const auto* failed = std::get_if<RunFailed>(&run->outcome);
  ASSERT_NE(failed, nullptr);
  EXPECT_EQ(failed->error.kind, ErrorCode::bad_gateway);
  ASSERT_TRUE(failed->result);
  EXPECT_EQ(failed->result->run.status, RunStatus::failed);
  EXPECT_THAT(event_names(events_of(*run->started.live)), ElementsAre("error"));
}

}  // namespace
}  // namespace agentd
