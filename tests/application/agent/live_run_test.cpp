// Runs executing in this process: the latest per conversation, finished ones kept for a
// while after they end, and cancel() reaching the run wherever it waits.
#include "application/agent/live_run.h"

#include <gtest/gtest.h>

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <chrono>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>

#include "fakes/run_sync.h"

namespace agentd {
namespace {

using namespace std::chrono_literals;
using boost::asio::awaitable;

std::shared_ptr<LiveRun> live_run(std::string run_id, std::string conversation_id) {
  return std::make_shared<LiveRun>(std::move(run_id), std::move(conversation_id), "user-1", false);
}

std::shared_ptr<LiveRun> finished_run(std::string run_id, std::string conversation_id) {
  auto run = live_run(std::move(run_id), std::move(conversation_id));
  run->events().close();
  return run;
}

TEST(LiveRuns, TheLatestRunOfAConversationIsTheLastOneAdded) {
  LiveRuns runs;
  auto first = finished_run("run-1", "conversation-1");
  auto second = live_run("run-2", "conversation-1");
  auto other = live_run("run-3", "conversation-2");

  runs.add(first);
  runs.add(other);
  runs.add(second);

  EXPECT_EQ(runs.latest("conversation-1"), second);
  EXPECT_EQ(runs.latest("conversation-2"), other);
  EXPECT_EQ(runs.latest("conversation-3"), nullptr);
  EXPECT_EQ(runs.size(), 2u);
}

TEST(LiveRuns, ForgetsAConversationsRun) {
  LiveRuns runs;
  runs.add(live_run("run-1", "conversation-1"));
  runs.add(live_run("run-2", "conversation-2"));

  runs.forget("conversation-1");

  EXPECT_EQ(runs.latest("conversation-1"), nullptr);
  EXPECT_NE(runs.latest("conversation-2"), nullptr);
  EXPECT_EQ(runs.size(), 1u);
}

TEST(LiveRuns, PrunesFinishedRunsOnceTheirTimeIsUp) {
  LiveRuns runs(0s);
  runs.add(finished_run("run-1", "conversation-1"));
  std::this_thread::sleep_for(2ms);

  runs.add(live_run("run-2", "conversation-2"));

  EXPECT_EQ(runs.latest("conversation-1"), nullptr);
  EXPECT_EQ(runs.size(), 1u);
}

TEST(LiveRuns, NeverPrunesARunStillGoing) {
  LiveRuns runs(0s);
  auto going = live_run("run-1", "conversation-1");
  runs.add(going);
  std::this_thread::sleep_for(2ms);

  runs.add(live_run("run-2", "conversation-2"));

  EXPECT_EQ(runs.latest("conversation-1"), going);
}

TEST(LiveRuns, KeepsAFinishedRunWithinItsTime) {
  LiveRuns runs(300s);
  auto finished = finished_run("run-1", "conversation-1");
  runs.add(finished);

  runs.add(live_run("run-2", "conversation-2"));

  EXPECT_EQ(runs.latest("conversation-1"), finished);
}

TEST(LiveRuns, KeepsAtMostSoManyFinishedRunsDroppingThoseThatEndedFirst) {
  LiveRuns runs(300s, 2);
  auto going = live_run("run-0", "conversation-0");
  runs.add(going);
  runs.add(finished_run("run-1", "conversation-1"));
  std::this_thread::sleep_for(2ms);
  runs.add(finished_run("run-2", "conversation-2"));
  std::this_thread::sleep_for(2ms);
  runs.add(finished_run("run-3", "conversation-3"));
  runs.add(live_run("run-4", "conversation-4"));

  EXPECT_EQ(runs.latest("conversation-1"), nullptr);
  EXPECT_NE(runs.latest("conversation-2"), nullptr);
  EXPECT_NE(runs.latest("conversation-3"), nullptr);
  EXPECT_EQ(runs.latest("conversation-0"), going);
  EXPECT_EQ(runs.size(), 4u);
}

TEST(LiveRuns, TheTimeToKeepARunCountsFromItsEnd) {
  // A run that took longer than the keep time is still there right after it ended, so a
  // reader can catch up with its last events.
  LiveRuns runs(std::chrono::seconds(1));
  auto long_run = live_run("run-1", "conversation-1");
  runs.add(long_run);
  std::this_thread::sleep_for(1200ms);
  long_run->events().close();

  runs.add(live_run("run-2", "conversation-2"));

  EXPECT_EQ(runs.latest("conversation-1"), long_run);
}

TEST(LiveRuns, CountsTheRunsNotYetEnded) {
  LiveRuns runs;
  runs.add(finished_run("run-1", "conversation-1"));
  runs.add(live_run("run-2", "conversation-2"));
  runs.add(live_run("run-3", "conversation-3"));

  EXPECT_EQ(runs.running(), 2u);
}

TEST(LiveRuns, WaitingForRunsToEndReturnsOnceTheLastOneEnds) {
  LiveRuns runs;
  auto going = live_run("run-1", "conversation-1");
  runs.add(going);
  const auto started = std::chrono::steady_clock::now();

  auto left = run_sync([&]() -> awaitable<std::size_t> {
    auto executor = co_await boost::asio::this_coro::executor;
    // The run ends 100 ms from now, long before the wait's deadline.
    auto ending = std::make_shared<boost::asio::steady_timer>(executor, 100ms);
    ending->async_wait(
        [ending, going](const boost::system::error_code&) { going->events().close(); });
    co_return co_await runs.wait_until_ended(std::chrono::steady_clock::now() + 10s);
  }());

  EXPECT_EQ(left, 0u);
  EXPECT_GE(std::chrono::steady_clock::now() - started, 100ms);
  EXPECT_LT(std::chrono::steady_clock::now() - started, 5s);
}

TEST(LiveRuns, WaitingForRunsToEndGivesUpAtTheDeadline) {
  LiveRuns runs;
  runs.add(live_run("run-1", "conversation-1"));
  runs.add(finished_run("run-2", "conversation-2"));
  const auto started = std::chrono::steady_clock::now();

  auto left = run_sync(runs.wait_until_ended(started + 150ms));

  EXPECT_EQ(left, 1u);
  EXPECT_GE(std::chrono::steady_clock::now() - started, 150ms);
  EXPECT_LT(std::chrono::steady_clock::now() - started, 5s);
}

TEST(LiveRun, TheOutcomeIsTheTerminalEvent) {
  auto run = live_run("run-1", "conversation-1");
  run->events().emit(MessageDelta{"hi"});
  RunResult result;
  result.run.id = "run-1";
  result.run.status = RunStatus::completed;
  run->events().emit(RunCompleted{result});
  run->events().close();

  auto outcome = run_sync(run->outcome());

  const auto* completed = std::get_if<RunCompleted>(&outcome);
  ASSERT_NE(completed, nullptr);
  EXPECT_EQ(completed->result.run.id, "run-1");
}

TEST(LiveRun, ALogClosedWithoutAnOutcomeIsAnInternalError) {
  auto run = live_run("run-1", "conversation-1");
  run->events().emit(MessageDelta{"hi"});
  run->events().close();

  auto outcome = run_sync(run->outcome());

  const auto* failed = std::get_if<RunFailed>(&outcome);
  ASSERT_NE(failed, nullptr);
  EXPECT_EQ(failed->error.kind, ErrorCode::internal);
  EXPECT_FALSE(failed->result);
}

// Waits on a timer far longer than the test; reports how it ended in the run's log.
awaitable<void> wait_long(LiveRun& run) {
  boost::asio::steady_timer timer(co_await boost::asio::this_coro::executor, 1h);
  bool is_interrupted = false;
  try {
    co_await timer.async_wait(boost::asio::use_awaitable);
  } catch (const boost::system::system_error&) {
    is_interrupted = true;
  }
  RunResult result;
  result.run.status = is_interrupted ? RunStatus::cancelled : RunStatus::completed;
  run.events().emit(RunCompleted{result});
  run.events().close();
}

TEST(LiveRun, CancelInterruptsTheRunWhereItWaits) {
  auto run = live_run("run-1", "conversation-1");
  const auto started = std::chrono::steady_clock::now();

  auto outcome = run_sync([&]() -> awaitable<RunEvent> {
    auto executor = co_await boost::asio::this_coro::executor;
    run->start(executor, wait_long(*run));
    run->cancel();
    co_return co_await run->outcome();
  }());

  EXPECT_LT(std::chrono::steady_clock::now() - started, 10s);
  EXPECT_TRUE(run->cancellation().requested());
  EXPECT_EQ(std::get<RunCompleted>(outcome).result.run.status, RunStatus::cancelled);
}

awaitable<void> throw_midway() {
  co_await boost::asio::this_coro::executor;
  throw std::runtime_error("lost the plot");
}

TEST(LiveRun, WhatTheRunLetsEscapeEndsItAsFailedForItsReaders) {
  auto run = live_run("run-1", "conversation-1");

  auto outcome = run_sync([&]() -> awaitable<RunEvent> {
    run->start(co_await boost::asio::this_coro::executor, throw_midway());
    co_return co_await run->outcome();
  }());

  const auto* failed = std::get_if<RunFailed>(&outcome);
  ASSERT_NE(failed, nullptr);
  EXPECT_EQ(failed->error.kind, ErrorCode::internal);
  EXPECT_NE(failed->error.message.find("lost the plot"), std::string::npos);
  EXPECT_TRUE(run->events().closed());
}

TEST(LiveRun, CancelBeforeTheRunStartsIsStillSeenByIt) {
  auto run = live_run("run-1", "conversation-1");

  run->cancel();

  EXPECT_TRUE(run->cancellation().requested());
}

}  // namespace
}  // namespace agentd
