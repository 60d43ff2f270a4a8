// A run whose replica died goes on elsewhere from its last checkpoint: what finished is not
// run again, what had started is answered as interrupted (or run again when the tool is
// idempotent), and leases decide which replica runs it.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <chrono>
#include <map>
#include <string>
#include <vector>

#include "application/agent/agent_state_codec.h"
#include "application/agent_env.h"
#include "application/conversations/run_leases.h"

namespace agentd {
namespace {

using namespace std::chrono_literals;
using boost::asio::awaitable;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

ChatMessage tool_answer(const std::string& call_id, const std::string& tool,
                        const std::string& content) {
  ChatMessage answer;
  answer.role = "tool";
  answer.tool_call_id = call_id;
  answer.name = tool;
  answer.content = content;
  return answer;
}

class RunTakeoverTest : public ::testing::Test {
 protected:
  // A run stored as running, as a replica that died inside the tool round left it: the model
  // asked for `calls`; `started` had begun, `finished` had answered.
  agentd::Run died_in_tool_round(std::vector<ModelToolCall> calls, std::vector<std::string> started,
                                 std::map<std::string, ChatMessage> finished) {
    agentd::Run run;
    run.id = "run-1";
    run.conversation_id = conversation.id;
    run.user_id = caller.user_id;
    run.model = std::string(kTestModel);
    run.created_at = env.clock.now() - 1h;
    run.updated_at = run.created_at;
    if (!run_sync(env.run_store.start_run(run))) throw std::runtime_error("set-up failed");
    auto state = env.agent.initial_state(caller, std::string(kTestModel), std::nullopt,
                                         std::nullopt, WithApproval::yes, "");
    if (!state) throw std::runtime_error("set-up failed: " + state.error().message);
    state->caller = caller;
    ChatMessage user;
    user.role = "user";
    user.content = "Pay and look it up.";
    ChatMessage asked;
    asked.role = "assistant";
    asked.tool_calls = calls;
    state->messages = {user, asked};
    state->pending_calls = std::move(calls);
    state->steps = 1;
    state->started_calls = std::move(started);
    state->finished_calls = std::move(finished);
    Checkpoint checkpoint{run.id, "execute_tools", 3, encode_agent_state(*state), env.clock.now()};
    env.checkpoints.put(std::move(checkpoint));
    run.attempts = 2;
    return run;
  }

  // Takes the run over and waits for its end; null when it ended at once.
  Result<std::optional<RunResult>> take_over(agentd::Run run) {
    return run_sync([&]() -> awaitable<Result<std::optional<RunResult>>> {
      auto live = co_await env.runs.take_over(std::move(run), 0);
      if (!live) co_return live.error();
      if (!*live) co_return std::nullopt;
      auto result = co_await ConversationRuns::wait(**live);
      if (!result) co_return result.error();
      co_return std::optional<RunResult>(std::move(*result));
    }());
  }

  // The tool messages the model read in its next call, by call id.
  std::map<std::string, std::string> answers_the_model_read() {
    std::map<std::string, std::string> answers;
    const auto requests = env.provider->requests();
    if (requests.empty()) return answers;
    for (const auto& message : requests.back().messages) {
      if (message.role == "tool") answers[message.tool_call_id] = message.content;
    }
    return answers;
  }

  AgentEnv env;
  Principal caller = user_caller();
  Conversation conversation = env.given_conversation(caller);
};

TEST_F(RunTakeoverTest, AFinishedCallIsNotRunAgainAndAStartedOneIsAnsweredAsInterrupted) {
  auto lookup = env.given_tool("lookup");
  auto charge = env.given_tool("charge");
  env.provider->then(ScriptedAnswer::says("Done."));
  auto run = died_in_tool_round({tool_call("call_1", "lookup"), tool_call("call_2", "charge")},
                                {"call_1", "call_2"},
                                {{"call_1", tool_answer("call_1", "lookup", R"({"found":1})")}});

  auto result = take_over(run);

  ASSERT_TRUE(result) << result.error().message;
  ASSERT_TRUE(*result);
  EXPECT_EQ((*result)->run.status, RunStatus::completed);
  EXPECT_EQ(lookup->calls(), 0);
  EXPECT_EQ(charge->calls(), 0);
  const auto answers = answers_the_model_read();
  EXPECT_EQ(answers.at("call_1"), R"({"found":1})");
  EXPECT_THAT(answers.at("call_2"), HasSubstr("tool_interrupted"));
  EXPECT_THAT(answers.at("call_2"), HasSubstr("result is unknown"));
  EXPECT_EQ(env.stored_run(run.id).status, RunStatus::completed);
}

TEST_F(RunTakeoverTest, AStartedCallOfAnIdempotentToolRunsAgain) {
  auto charge = env.given(std::make_shared<FakeTool>("quote"));
  charge->idempotent().returns(boost::json::parse(R"({"price":3})"));
  env.provider->then(ScriptedAnswer::says("It costs 3."));
  auto run = died_in_tool_round({tool_call("call_1", "quote")}, {"call_1"}, {});

  auto result = take_over(run);

  ASSERT_TRUE(result) << result.error().message;
  EXPECT_EQ(charge->calls(), 1);
  EXPECT_EQ(answers_the_model_read().at("call_1"), R"({"price":3})");
}

TEST_F(RunTakeoverTest, ACallThatHadNotStartedRunsOnce) {
  auto lookup = env.given_tool("lookup");
  env.provider->then(ScriptedAnswer::says("Found."));
  auto run = died_in_tool_round({tool_call("call_1", "lookup")}, {}, {});

  auto result = take_over(run);

  ASSERT_TRUE(result) << result.error().message;
  EXPECT_EQ(lookup->calls(), 1);
  EXPECT_EQ((*result)->run.status, RunStatus::completed);
}

TEST_F(RunTakeoverTest, ARunThatNeverReachedACheckpointEndsFailed) {
  agentd::Run run;
  run.id = "run-1";
  run.conversation_id = conversation.id;
  run.user_id = caller.user_id;
  run.created_at = env.clock.now();
  run.updated_at = run.created_at;
  ASSERT_TRUE(run_sync(env.run_store.start_run(run)));

  auto result = take_over(run);

  ASSERT_TRUE(result) << result.error().message;
  EXPECT_FALSE(*result);
  const auto stored = env.stored_run(run.id);
  EXPECT_EQ(stored.status, RunStatus::failed);
  EXPECT_THAT(stored.error.value_or(""), HasSubstr("interrupted"));
  EXPECT_EQ(env.stored_conversation(caller, conversation.id).status, ConversationStatus::idle);
  EXPECT_TRUE(env.provider->requests().empty());
}

TEST_F(RunTakeoverTest, ARunWhoseCancelWasAskedForEndsCancelled) {
  env.given_tool("lookup");
  auto run = died_in_tool_round({tool_call("call_1", "lookup")}, {}, {});
  run.cancel_requested_at = env.clock.now();

  auto result = take_over(run);

  ASSERT_TRUE(result) << result.error().message;
  EXPECT_FALSE(*result);
  EXPECT_EQ(env.stored_run(run.id).status, RunStatus::cancelled);
  EXPECT_TRUE(env.provider->requests().empty());
}

TEST_F(RunTakeoverTest, ALeaseRoundTakesOverARunNobodyHoldsAndFinishesIt) {
  env.given_tool("lookup");
  env.provider->then(ScriptedAnswer::says("Found."));
  auto run = died_in_tool_round({tool_call("call_1", "lookup")}, {}, {});
  RunLeases leases(env.run_store, env.runs, env.live_runs, nullptr, env.clock,
                   LeaseSettings{"replica-b", 15s});

  auto round = run_sync(leases.round());

  ASSERT_TRUE(round.errors.empty());
  ASSERT_EQ(round.taken_over.size(), 1u);
  EXPECT_EQ(round.taken_over[0].attempts, 2);
  auto live = env.live_runs.find(run.id);
  ASSERT_TRUE(live);
  auto result = run_sync(ConversationRuns::wait(*live));
  ASSERT_TRUE(result) << result.error().message;
  EXPECT_EQ(env.stored_run(run.id).status, RunStatus::completed);
  EXPECT_EQ(env.stored_run(run.id).attempts, 2);
  // Held by this replica now: the next round finds nothing more to take.
  EXPECT_TRUE(run_sync(leases.round()).taken_over.empty());
}

TEST_F(RunTakeoverTest, ARunAnotherReplicaTookIsLetGoWithoutWritingItsEnd) {
  env.provider->then(ScriptedAnswer::says_in_pieces({"Thinking", " slowly"}).streaming_every(10s));
  RunLeases leases(env.run_store, env.runs, env.live_runs, nullptr, env.clock,
                   LeaseSettings{"replica-a", 15s});
  Result<RunResult> outcome = Error::internal("not run");
  LeaseRound round;

  run_sync([&]() -> awaitable<bool> {
    auto request = turn(conversation.id, "Think.");
    auto live = co_await env.runs.start(caller, std::move(request));
    if (!live) co_return false;
    co_await until_event<MessageDelta>(**live);
    {
      std::lock_guard lock(env.tables.mutex);
      env.tables.leases.insert_or_assign(
          (*live)->run_id(), FakeConversationTables::Lease{"replica-b", env.clock.now() + 1h});
    }
    round = co_await leases.round();
    outcome = co_await ConversationRuns::wait(**live);
    co_return true;
  }());

  ASSERT_EQ(round.abandoned.size(), 1u);
  ASSERT_FALSE(outcome);
  EXPECT_EQ(outcome.error().code, "run_taken_over");
  // The run is the other replica's to end: this one wrote nothing.
  EXPECT_EQ(env.stored_run(round.abandoned[0]).status, RunStatus::running);
}

}  // namespace
}  // namespace agentd
