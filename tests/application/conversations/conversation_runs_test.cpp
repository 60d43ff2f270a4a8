// A turn in a stored conversation: one run at a time, events published in order, the run
// and every message stored as it goes, and a valid history however the run ends (answered,
// failed or cancelled mid-answer or mid-tools).
#include "application/conversations/conversation_runs.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <boost/json.hpp>
#include <chrono>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "application/agent/agent_state_codec.h"
#include "application/agent/history.h"
#include "application/agent_env.h"
#include "application/conversations/conversation_memory.h"

namespace agentd {
namespace {

using namespace std::chrono_literals;
using boost::asio::awaitable;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

// How many tool messages answer each call id.
std::map<std::string, int> answers_per_call(const std::vector<Message>& messages) {
  std::map<std::string, int> answers;
  for (const auto& message : messages) {
    if (message.role == "tool") ++answers[message.tool_call_id];
  }
  return answers;
}

const std::map<std::string, int> kEachCallOnce{{"call_1", 1}, {"call_2", 1}};

class ConversationRunsTest : public ::testing::Test {
 protected:
  FinishedTurn ask(std::string message) {
    auto finished = env.turn_of(caller, turn(conversation.id, std::move(message)));
    if (!finished) throw std::runtime_error("the turn failed: " + finished.error().message);
    return std::move(*finished);
  }

  // Starts a turn, waits until the run published an event of type E, cancels it and waits
  // for its end.
  template <typename E>
  Result<RunResult> cancel_after(TurnRequest request) {
    return run_sync([&]() -> awaitable<Result<RunResult>> {
      auto live = co_await env.runs.start(caller, std::move(request));
      if (!live) co_return live.error();
      co_await until_event<E>(**live);
      (*live)->cancel();
      co_return co_await ConversationRuns::wait(**live);
    }());
  }

  std::vector<Message> history() { return env.stored_messages(conversation.id); }
  ConversationStatus status() { return env.stored_conversation(caller, conversation.id).status; }

  AgentEnv env;
  Principal caller = user_caller();
  Conversation conversation = env.given_conversation(caller);
};

TEST_F(ConversationRunsTest, AnotherUsersConversationIsNotFound) {
  env.provider->then(ScriptedAnswer::says("Hello."));

  auto started = env.turn_of(user_caller("user-2"), turn(conversation.id, "Hi."));

  ASSERT_FALSE(started);
  EXPECT_EQ(started.error().kind, ErrorCode::not_found);
  EXPECT_EQ(started.error().code, "conversation_not_found");
  EXPECT_TRUE(env.provider->requests().empty());
  EXPECT_TRUE(history().empty());
  EXPECT_EQ(status(), ConversationStatus::idle);
}

TEST_F(ConversationRunsTest, ASecondTurnWhileARunIsInProgressIsAConflict) {
  env.provider->then(ScriptedAnswer::says_in_pieces({"Thinking", " slowly"}).streaming_every(10s))
      .then(ScriptedAnswer::says("Now I am free."));
  Result<std::shared_ptr<LiveRun>> second;
  Result<RunResult> first_outcome;

  const bool started = run_sync([&]() -> awaitable<bool> {
    auto think = turn(conversation.id, "Think.");
    auto first = co_await env.runs.start(caller, std::move(think));
    if (!first) co_return false;
    co_await until_event<MessageDelta>(**first);
    auto hurry = turn(conversation.id, "Hurry up.");
    second = co_await env.runs.start(caller, std::move(hurry));
    (*first)->cancel();
    first_outcome = co_await ConversationRuns::wait(**first);
    co_return true;
  }());

  ASSERT_TRUE(started);
  ASSERT_FALSE(second);
  EXPECT_EQ(second.error().kind, ErrorCode::conflict);
  EXPECT_EQ(second.error().code, "run_in_progress");
  ASSERT_TRUE(first_outcome) << first_outcome.error().message;
  // The refused turn left nothing behind, and once the first run ended a new one may start.
  EXPECT_EQ(env.provider->requests().size(), 1u);
  const auto messages = history();
  ASSERT_FALSE(messages.empty());
  EXPECT_EQ(messages[0].content, "Think.");
  EXPECT_EQ(std::count_if(messages.begin(), messages.end(),
                          [](const Message& message) { return message.role == "user"; }),
            1);
  auto third = env.turn_of(caller, turn(conversation.id, "Go on."));
  ASSERT_TRUE(third) << third.error().message;
  EXPECT_EQ(third->result.run.status, RunStatus::completed);
}

TEST_F(ConversationRunsTest, PublishesTheRunsEventsInOrderNumberedFromOne) {
  env.given_tool("lookup")->returns(boost::json::parse(R"({"found":true})"));
  env.provider
      ->then(ScriptedAnswer::says_in_pieces({"Let me ", "look."})
                 .with_calls({tool_call("call_1", "lookup", R"({"q":"x"})")}))
      .then(ScriptedAnswer::says("Found."));

  auto finished = ask("Find x.");

  const auto events = events_of(*finished.live);
  EXPECT_THAT(event_names(events),
              ElementsAre("run.started", "message.delta", "message.delta", "tool_call.started",
                          "tool_call.completed", "message.delta", "run.completed"));
  for (std::size_t i = 0; i < events.size(); ++i)
    EXPECT_EQ(events[i].id, static_cast<std::int64_t>(i + 1));
  ASSERT_EQ(events.size(), 7u);
  EXPECT_EQ(std::get<RunStarted>(events[0].event).run.id, finished.result.run.id);
  EXPECT_EQ(std::get<RunStarted>(events[0].event).run.status, RunStatus::running);
  EXPECT_EQ(std::get<MessageDelta>(events[1].event).content, "Let me ");
  EXPECT_EQ(std::get<MessageDelta>(events[2].event).content, "look.");
  EXPECT_EQ(std::get<ToolCallStarted>(events[3].event).call,
            tool_call("call_1", "lookup", R"({"q":"x"})"));
  const auto& completed = std::get<ToolCallCompleted>(events[4].event).result;
  EXPECT_EQ(completed.tool_call_id, "call_1");
  EXPECT_EQ(completed.result, boost::json::parse(R"({"found":true})"));
  EXPECT_EQ(std::get<MessageDelta>(events[5].event).content, "Found.");
  EXPECT_EQ(std::get<RunCompleted>(events[6].event).result.run.status, RunStatus::completed);
  EXPECT_TRUE(finished.live->events().closed());
}

TEST_F(ConversationRunsTest, TheResultCarriesTheStoredRunAndTheFinalAssistantMessage) {
  env.provider->then(ScriptedAnswer::says("Hello there.").with_usage({3, 2, 5}));

  auto finished = ask("Hello.");

  const auto messages = history();
  ASSERT_EQ(messages.size(), 2u);
  ASSERT_TRUE(finished.result.message);
  const auto& answer = *finished.result.message;
  EXPECT_EQ(answer.id, messages[1].id);
  EXPECT_EQ(answer.role, "assistant");
  EXPECT_EQ(answer.content, "Hello there.");
  EXPECT_EQ(answer.position, 2);
  EXPECT_EQ(answer.run_id, finished.result.run.id);
  EXPECT_EQ(answer.usage, (Usage{3, 2, 5}));
  EXPECT_EQ(messages[0].run_id, finished.result.run.id);

  const auto stored = env.stored_run(finished.result.run.id);
  EXPECT_EQ(stored.status, RunStatus::completed);
  EXPECT_EQ(stored.steps, 1);
  EXPECT_EQ(stored.usage, (Usage{3, 2, 5}));
  EXPECT_EQ(stored.conversation_id, conversation.id);
  EXPECT_EQ(stored.user_id, caller.user_id);
  EXPECT_EQ(finished.result.run.status, RunStatus::completed);
  EXPECT_EQ(status(), ConversationStatus::idle);
  EXPECT_EQ(env.stored_conversation(caller, conversation.id).message_count, 2);
}

TEST_F(ConversationRunsTest, ARunsEndIsStoredOnceTheDatabaseIsBack) {
  env.provider->then(ScriptedAnswer::says("Hello there."));
  env.run_store.update_outages = 3;

  // The client is told at once that the end could not be stored…
  auto finished = env.turn_of(caller, turn(conversation.id, "Hello."));
  ASSERT_FALSE(finished);
  EXPECT_EQ(finished.error().code, "database_unavailable");

  // …and the run does not stay running: its end is stored when the database answers again.
  EXPECT_EQ(env.run_store.update_outages, 0);
  auto runs = run_sync(env.run_store.list_runs(conversation.id, 10, std::nullopt));
  ASSERT_TRUE(runs);
  ASSERT_EQ(runs->items.size(), 1u);
  EXPECT_EQ(runs->items[0].status, RunStatus::completed);
  EXPECT_EQ(status(), ConversationStatus::idle);
}

TEST_F(ConversationRunsTest, TitlesTheConversationFromItsFirstMessageOnly) {
  env.provider->then(ScriptedAnswer::says("Sunny.")).then(ScriptedAnswer::says("Rainy."));

  ask("  What is\n\tthe   weather? ");
  EXPECT_EQ(env.stored_conversation(caller, conversation.id).title, "What is the weather?");

  ask("And tomorrow?");
  EXPECT_EQ(env.stored_conversation(caller, conversation.id).title, "What is the weather?");
}

TEST_F(ConversationRunsTest, AModelFailureFailsTheRunAndFreesTheConversation) {
  env.provider->then(ScriptedAnswer::fails(
      Error{ErrorCode::bad_gateway, "the upstream broke", {}, "upstream_error"}));

  auto finished = ask("Hello?");

  EXPECT_EQ(finished.result.run.status, RunStatus::failed);
  EXPECT_EQ(finished.result.run.error, "the upstream broke");
  EXPECT_FALSE(finished.result.message);
  const auto events = events_of(*finished.live);
  EXPECT_THAT(event_names(events), ElementsAre("run.started", "error"));
  const auto& failed = std::get<RunFailed>(events.back().event);
  EXPECT_EQ(failed.error.kind, ErrorCode::bad_gateway);
  EXPECT_EQ(failed.error.code, "upstream_error");
  ASSERT_TRUE(failed.result);
  EXPECT_EQ(failed.result->run.status, RunStatus::failed);
  EXPECT_EQ(failed.result->run.id, finished.result.run.id);

  const auto stored = env.stored_run(finished.result.run.id);
  EXPECT_EQ(stored.status, RunStatus::failed);
  EXPECT_EQ(stored.error, "the upstream broke");
  EXPECT_EQ(status(), ConversationStatus::idle);
  EXPECT_THAT(roles_of(history()), ElementsAre("user"));
}

TEST_F(ConversationRunsTest, CancellingWhileTheModelStreamsKeepsThePartialAnswer) {
  env.provider->then(
      ScriptedAnswer::says_in_pieces({"The answer ", "is 42."}).streaming_every(10s));
  const auto started = std::chrono::steady_clock::now();

  auto result = cancel_after<MessageDelta>(turn(conversation.id, "Answer slowly."));

  EXPECT_LT(std::chrono::steady_clock::now() - started, 5s);
  ASSERT_TRUE(result) << result.error().message;
  EXPECT_EQ(result->run.status, RunStatus::cancelled);
  ASSERT_TRUE(result->message);
  EXPECT_EQ(result->message->content, "The answer ");
  const auto messages = history();
  EXPECT_THAT(roles_of(messages), ElementsAre("user", "assistant"));
  EXPECT_EQ(messages[1].content, "The answer ");
  EXPECT_EQ(env.stored_run(result->run.id).status, RunStatus::cancelled);
  EXPECT_EQ(status(), ConversationStatus::idle);
}

TEST_F(ConversationRunsTest, CancellingWhileTheModelStreamsKeepsThePartialAnswerWhenAsioAborts) {
  env.provider->reports_cancellation(ScriptedLlmProvider::CancelReport::as_exception)
      .then(ScriptedAnswer::says_in_pieces({"The answer ", "is 42."}).streaming_every(10s));

  auto result = cancel_after<MessageDelta>(turn(conversation.id, "Answer slowly."));

  ASSERT_TRUE(result) << result.error().message;
  EXPECT_EQ(result->run.status, RunStatus::cancelled);
  EXPECT_THAT(roles_of(history()), ElementsAre("user", "assistant"));
  EXPECT_EQ(history()[1].content, "The answer ");
  EXPECT_EQ(status(), ConversationStatus::idle);
}

TEST_F(ConversationRunsTest, CancellingBeforeTheModelAnsweredStoresNoAnswer) {
  env.provider->then(ScriptedAnswer::says("Too late.").starting_after(10s));

  auto result = cancel_after<RunStarted>(turn(conversation.id, "Hello?"));

  ASSERT_TRUE(result) << result.error().message;
  EXPECT_EQ(result->run.status, RunStatus::cancelled);
  EXPECT_FALSE(result->message);
  EXPECT_THAT(roles_of(history()), ElementsAre("user"));
  EXPECT_EQ(env.stored_run(result->run.id).status, RunStatus::cancelled);
  EXPECT_EQ(status(), ConversationStatus::idle);
}

TEST_F(ConversationRunsTest, CancellingWhileToolsRunAnswersEveryToolCall) {
  auto slow = env.given_tool("slow");
  slow->sleeps_for(10s);
  env.provider
      ->then(ScriptedAnswer::calls({tool_call("call_1", "slow"), tool_call("call_2", "slow")}))
      .then(ScriptedAnswer::says("Never asked."));

  auto result = run_sync([&]() -> awaitable<Result<RunResult>> {
    auto request = turn(conversation.id, "Run them.");
    auto live = co_await env.runs.start(caller, std::move(request));
    if (!live) co_return live.error();
    co_await until_running(*slow, 2);
    (*live)->cancel();
    co_return co_await ConversationRuns::wait(**live);
  }());

  ASSERT_TRUE(result) << result.error().message;
  EXPECT_EQ(result->run.status, RunStatus::cancelled);
  EXPECT_EQ(slow->cancellations(), 2);
  EXPECT_EQ(env.provider->requests().size(), 1u);
  const auto messages = history();
  ASSERT_THAT(roles_of(messages), ElementsAre("user", "assistant", "tool", "tool"));
  EXPECT_EQ(messages[2].tool_call_id, "call_1");
  EXPECT_EQ(messages[3].tool_call_id, "call_2");
  EXPECT_EQ(answers_per_call(messages), kEachCallOnce);
  auto reloaded = as_chat(messages);
  EXPECT_EQ(answer_unanswered_calls(reloaded), 0);
  EXPECT_EQ(status(), ConversationStatus::idle);
}

TEST_F(ConversationRunsTest, CancellingWhileToolResultsAreStoredAnswersEachCallOnce) {
  env.given_tool("lookup");
  env.provider
      ->then(ScriptedAnswer::calls({tool_call("call_1", "lookup"), tool_call("call_2", "lookup")}))
      .then(ScriptedAnswer::says("Never asked."));
  std::shared_ptr<LiveRun> live;
  // Cancelled while call_1's result is being written: call_2's is not written yet.
  env.conversations.on_next_tool_message([&] { live->cancel(); });

  auto result = run_sync([&]() -> awaitable<Result<RunResult>> {
    auto request = turn(conversation.id, "Look twice.");
    auto started = co_await env.runs.start(caller, std::move(request));
    if (!started) co_return started.error();
    live = *started;
    co_return co_await ConversationRuns::wait(*live);
  }());

  ASSERT_TRUE(result) << result.error().message;
  EXPECT_EQ(result->run.status, RunStatus::cancelled);
  const auto messages = history();
  EXPECT_THAT(roles_of(messages), ElementsAre("user", "assistant", "tool", "tool"));
  EXPECT_EQ(answers_per_call(messages), kEachCallOnce);
  auto reloaded = as_chat(messages);
  EXPECT_EQ(answer_unanswered_calls(reloaded), 0);
  EXPECT_EQ(status(), ConversationStatus::idle);
}

TEST_F(ConversationRunsTest, SavesACheckpointAfterEveryNodeThatDecodesToTheRunsState) {
  env.given_tool("lookup")->returns(boost::json::parse(R"({"found":true})"));
  env.provider->then(ScriptedAnswer::calls({tool_call("call_1", "lookup")}).with_usage({1, 1, 2}))
      .then(ScriptedAnswer::says("Found.").with_usage({2, 1, 3}));

  auto finished = ask("Find it.");

  const auto checkpoint = env.checkpoints.last(finished.result.run.id);
  ASSERT_TRUE(checkpoint);
  EXPECT_EQ(checkpoint->next_node, graph::kEnd);
  // One save per node (loading, two model calls and a tool round at the least), and the tool
  // round's own two: its calls started, then each call finished.
  EXPECT_GE(checkpoint->steps, 4);
  EXPECT_EQ(env.checkpoints.saves(), checkpoint->steps + 2);
  EXPECT_EQ(checkpoint->saved_at, env.clock.now());
  auto state = decode_agent_state(checkpoint->state);
  ASSERT_TRUE(state) << state.error().message;
  EXPECT_EQ(state->steps, 2);
  EXPECT_EQ(state->max_steps, env.agent.settings().default_max_steps);
  EXPECT_THAT(state->tools, ElementsAre("lookup"));
  EXPECT_TRUE(state->pending_calls.empty());
  EXPECT_EQ(state->usage, (Usage{3, 2, 5}));
  EXPECT_EQ(state->answered_by, kTestModel);
  const auto messages = history();
  ASSERT_EQ(state->messages.size(), messages.size());
  for (std::size_t i = 0; i < messages.size(); ++i) {
    EXPECT_EQ(state->messages[i].role, messages[i].role) << i;
    EXPECT_EQ(state->messages[i].content, messages[i].content) << i;
    EXPECT_EQ(state->messages[i].tool_calls, messages[i].tool_calls) << i;
    EXPECT_EQ(state->messages[i].tool_call_id, messages[i].tool_call_id) << i;
  }
}

TEST_F(ConversationRunsTest, TheSystemPromptComesFirstAndIsNotStored) {
  auto tutored = env.given_conversation(caller, "You are terse.");
  env.provider->then(ScriptedAnswer::says("Yes."));

  auto finished = env.turn_of(caller, turn(tutored.id, "Are you?"));

  ASSERT_TRUE(finished) << finished.error().message;
  const auto sent = env.provider->requests().at(0).messages;
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_EQ(sent[0].role, "system");
  EXPECT_EQ(sent[0].content, "You are terse.");
  EXPECT_EQ(sent[1].role, "user");
  EXPECT_THAT(roles_of(env.stored_messages(tutored.id)), ElementsAre("user", "assistant"));
}

TEST_F(ConversationRunsTest, AStoredCallLeftWithoutAnAnswerIsAnsweredBeforeTheModelSeesIt) {
  // A process that died between the model's tool call and running it left this behind.
  Message interrupted;
  interrupted.id = "message-0";
  interrupted.conversation_id = conversation.id;
  interrupted.role = "assistant";
  interrupted.tool_calls = {tool_call("call_0", "lookup")};
  ASSERT_TRUE(run_sync(env.conversations.append_message(std::move(interrupted))));
  env.provider->then(ScriptedAnswer::says("Sorry about that."));

  ask("Still there?");

  const auto sent = env.provider->requests().at(0).messages;
  ASSERT_EQ(sent.size(), 3u);
  EXPECT_EQ(sent[0].role, "assistant");
  EXPECT_EQ(sent[1].role, "tool");
  EXPECT_EQ(sent[1].tool_call_id, "call_0");
  EXPECT_THAT(sent[1].content, HasSubstr("tool_not_run"));
  EXPECT_EQ(sent[2].role, "user");
}

TEST_F(ConversationRunsTest, RejectsABadTurnWithoutClaimingTheConversation) {
  auto empty = env.turn_of(caller, turn(conversation.id, ""));
  ASSERT_FALSE(empty);
  EXPECT_EQ(empty.error().kind, ErrorCode::invalid_request);
  EXPECT_EQ(empty.error().param, "message");

  for (int steps : {0, env.agent.settings().max_steps_limit + 1}) {
    auto request = turn(conversation.id, "Hi.");
    request.max_steps = steps;
    auto refused = env.turn_of(caller, std::move(request));
    ASSERT_FALSE(refused) << steps;
    EXPECT_EQ(refused.error().kind, ErrorCode::invalid_request) << steps;
    EXPECT_EQ(refused.error().param, "max_steps") << steps;
  }

  auto request = turn(conversation.id, "Hi.");
  request.model = "no-such-model";
  auto unknown = env.turn_of(caller, std::move(request));
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().code, "model_not_found");

  request = turn(conversation.id, "Hi.");
  request.tools = std::vector<std::string>{"no_such_tool"};
  auto no_tool = env.turn_of(caller, std::move(request));
  ASSERT_FALSE(no_tool);
  EXPECT_EQ(no_tool.error().code, "tool_not_found");

  EXPECT_EQ(status(), ConversationStatus::idle);
  EXPECT_TRUE(history().empty());
  EXPECT_TRUE(env.provider->requests().empty());
}

TEST_F(ConversationRunsTest, TheLiveRunIsFoundByItsConversation) {
  env.provider->then(ScriptedAnswer::says("Hi."));

  auto finished = ask("Hi.");

  EXPECT_EQ(env.live_runs.latest(conversation.id), finished.live);
  EXPECT_EQ(finished.live->run_id(), finished.result.run.id);
  EXPECT_EQ(finished.live->conversation_id(), conversation.id);
  EXPECT_EQ(finished.live->user_id(), caller.user_id);
}

}  // namespace
}  // namespace agentd
