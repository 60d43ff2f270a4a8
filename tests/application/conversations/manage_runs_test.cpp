// The runs API: a conversation's runs listed and read by their owner only, and cancelled
// whether they run here, in another process, or wait for a person.
#include "application/conversations/manage_runs.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "application/agent_env.h"

namespace agentd {
namespace {

using namespace std::chrono_literals;
using ::testing::ElementsAre;

// Waits for real on the loop's timer: a follower that checks in a loop must let the runs it
// follows go on between its looks.
class TimerDelay : public Delay {
 public:
  boost::asio::awaitable<void> wait(std::chrono::milliseconds duration) override {
    boost::asio::steady_timer timer(co_await boost::asio::this_coro::executor, duration);
    co_await timer.async_wait(boost::asio::use_awaitable);
  }
};

class ManageRunsTest : public ::testing::Test {
 protected:
  // testing::Test::Run would hide agentd's Run in the fixture and in every test.
  using Run = ::agentd::Run;

  FinishedTurn ask(std::string message) {
    auto finished = env.turn_of(caller, turn(conversation.id, std::move(message)));
    if (!finished) throw std::runtime_error("the turn failed: " + finished.error().message);
    return std::move(*finished);
  }
  FinishedTurn paused_deploy() {
    auto deploy = std::make_shared<FakeTool>("deploy");
    deploy->with_approval_required();
    env.given(deploy);
    env.provider->then(ScriptedAnswer::calls({tool_call("call_1", "deploy", R"({"env":"prod"})")}));
    return ask("Deploy to prod.");
  }

  AgentEnv env;
  Principal caller = user_caller();
  Conversation conversation = env.given_conversation(caller);
};

TEST_F(ManageRunsTest, AConversationsRunsAreListedNewestFirst) {
  env.provider->then(ScriptedAnswer::says("One.")).then(ScriptedAnswer::says("Two."));
  const auto first = ask("First.");
  const auto second = ask("Second.");

  auto page = run_sync(env.manage_runs.list(caller, conversation.id, 20, std::nullopt));

  ASSERT_TRUE(page) << page.error().message;
  ASSERT_EQ(page->items.size(), 2u);
  EXPECT_EQ(page->items[0].id, second.result.run.id);
  EXPECT_EQ(page->items[1].id, first.result.run.id);
  EXPECT_EQ(page->items[0].status, RunStatus::completed);
  EXPECT_EQ(page->items[0].model, kTestModel);
  EXPECT_EQ(page->items[0].finished_at, env.clock.now());
}

TEST_F(ManageRunsTest, AnotherUserSeesNeitherTheRunsNorTheRun) {
  env.provider->then(ScriptedAnswer::says("One."));
  const auto done = ask("First.");
  const auto stranger = user_caller("user-2");

  auto listed = run_sync(env.manage_runs.list(stranger, conversation.id, 20, std::nullopt));
  auto read = run_sync(env.manage_runs.get(stranger, done.result.run.id));
  auto cancelled = run_sync(env.manage_runs.cancel(stranger, done.result.run.id));

  ASSERT_FALSE(listed);
  EXPECT_EQ(listed.error().code, "conversation_not_found");
  ASSERT_FALSE(read);
  EXPECT_EQ(read.error().code, "run_not_found");
  ASSERT_FALSE(cancelled);
  EXPECT_EQ(cancelled.error().code, "run_not_found");
  EXPECT_TRUE(run_sync(env.manage_runs.get(caller, done.result.run.id)));
}

TEST_F(ManageRunsTest, CancellingAPausedRunClosesItsApprovalsAndAnswersEveryCall) {
  const auto paused = paused_deploy();

  auto cancelled = run_sync(env.manage_runs.cancel(caller, paused.result.run.id));

  ASSERT_TRUE(cancelled) << cancelled.error().message;
  EXPECT_EQ(cancelled->status, RunStatus::cancelled);
  EXPECT_EQ(cancelled->finished_at, env.clock.now());
  const auto approvals = run_sync(env.run_store.run_approvals(paused.result.run.id));
  ASSERT_TRUE(approvals);
  ASSERT_EQ(approvals->size(), 1u);
  EXPECT_EQ((*approvals)[0].status, ApprovalStatus::rejected);
  EXPECT_EQ((*approvals)[0].reason, "cancelled");
  EXPECT_EQ((*approvals)[0].decided_by, (Decider{caller.user_id, std::nullopt}));
  const auto history = env.stored_messages(conversation.id);
  EXPECT_THAT(roles_of(history), ElementsAre("user", "assistant", "tool"));
  EXPECT_EQ(history.back().tool_call_id, "call_1");
  EXPECT_EQ(env.stored_conversation(caller, conversation.id).status, ConversationStatus::idle);
}

TEST_F(ManageRunsTest, CancellingARunThatEndedIsAConflict) {
  env.provider->then(ScriptedAnswer::says("Done."));
  const auto done = ask("Go.");

  auto cancelled = run_sync(env.manage_runs.cancel(caller, done.result.run.id));

  ASSERT_FALSE(cancelled);
  EXPECT_EQ(cancelled.error().kind, ErrorCode::conflict);
  EXPECT_EQ(cancelled.error().code, "run_not_active");
  EXPECT_EQ(env.stored_run(done.result.run.id).status, RunStatus::completed);
}

TEST_F(ManageRunsTest, CancellingARunningRunStopsItAndAnswersOnceItIsStored) {
  env.provider->then(ScriptedAnswer::says("Too late.").starting_after(30s));
  std::optional<Result<Run>> cancelled;
  run_sync([&]() -> boost::asio::awaitable<bool> {
    auto request = turn(conversation.id, "Take your time.");
    auto live = co_await env.runs.start(caller, std::move(request));
    if (!live) throw std::runtime_error(live.error().message);
    co_await until_event<RunStarted>(**live);
    cancelled = co_await env.manage_runs.cancel(caller, (*live)->run_id());
    co_return true;
  }());

  ASSERT_TRUE(cancelled);
  ASSERT_TRUE(*cancelled) << cancelled->error().message;
  EXPECT_EQ((*cancelled)->status, RunStatus::cancelled);
  EXPECT_TRUE((*cancelled)->cancel_requested_at);
  EXPECT_TRUE((*cancelled)->finished_at);
  EXPECT_EQ(env.stored_conversation(caller, conversation.id).status, ConversationStatus::idle);
}

TEST_F(ManageRunsTest, ACancelStoredByAnotherProcessStopsTheRunHere) {
  env.provider->then(ScriptedAnswer::says("Too late.").starting_after(30s));
  TimerDelay delay;
  ManageRuns follower{env.conversations, env.run_store, env.live_runs, env.ids, env.clock, delay};
  boost::asio::io_context io;
  std::shared_ptr<LiveRun> live;
  boost::asio::co_spawn(
      io,
      [&]() -> boost::asio::awaitable<void> {
        auto request = turn(conversation.id, "Take your time.");
        auto started = co_await env.runs.start(caller, std::move(request));
        if (!started) throw std::runtime_error(started.error().message);
        live = *started;
        co_await until_event<RunStarted>(*live);
        // Another process stores the request; this one only follows the store.
        (void)co_await env.run_store.request_cancel(live->run_id(), env.clock.now());
        boost::asio::co_spawn(io, follower.follow_cancel_requests(10ms), [](std::exception_ptr) {});
        (void)co_await live->outcome();
        io.stop();
      },
      [](std::exception_ptr failure) {
        if (failure) std::rethrow_exception(failure);
      });
  io.run_for(10s);

  ASSERT_TRUE(live);
  EXPECT_EQ(env.stored_run(live->run_id()).status, RunStatus::cancelled);
}

TEST_F(ManageRunsTest, DeletingAConversationWithAPausedRunCancelsItFirst) {
  const auto paused = paused_deploy();

  auto removed = run_sync(env.manage.remove(caller, conversation.id));

  ASSERT_TRUE(removed) << removed.error().message;
  EXPECT_FALSE(run_sync(env.conversations.find(caller.user_id, conversation.id)));
}

TEST_F(ManageRunsTest, DeletingAConversationWithARunningRunCancelsItFirst) {
  env.provider->then(ScriptedAnswer::says("Too late.").starting_after(30s));
  std::optional<Status> removed;
  run_sync([&]() -> boost::asio::awaitable<bool> {
    auto request = turn(conversation.id, "Take your time.");
    auto live = co_await env.runs.start(caller, std::move(request));
    if (!live) throw std::runtime_error(live.error().message);
    co_await until_event<RunStarted>(**live);
    removed = co_await env.manage.remove(caller, conversation.id);
    co_return true;
  }());

  ASSERT_TRUE(removed && *removed) << removed->error().message;
  EXPECT_FALSE(run_sync(env.conversations.find(caller.user_id, conversation.id)));
}

}  // namespace
}  // namespace agentd
