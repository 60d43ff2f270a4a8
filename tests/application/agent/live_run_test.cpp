// Runs executing in this process: the latest per conversation, finished ones kept for a
// while after they end, and cancel() reaching the run wherever it waits.
#include "application/agent/live_run.h"

#include <gtest/gtest.h>

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>

#include "fakes/fake_clock.h"
#include "fakes/run_sync.h"

namespace agentd {
namespace {

using namespace std::chrono_literals;
using boost::asio::awaitable;

// A Delay on the fake clock: it moves the clock by the time waited, after yielding to the
// executor (a timer that has already expired), so a polling loop shares its thread as a real
// wait would, and takes no real time.
class TickingDelay : public Delay {
 public:
  explicit TickingDelay(FakeClock& clock) : clock_(clock) {}

  awaitable<void> wait(std::chrono::milliseconds duration) override {
    boost::asio::steady_timer yield(co_await boost::asio::this_coro::executor, 0ms);
    co_await yield.async_wait(boost::asio::use_awaitable);
    clock_.advance(duration);
    ++waits_;
    if (after_wait_) after_wait_(waits_);
  }

  // Called after every wait with how many there have been.
  void after_each_wait(std::function<void(int)> action) { after_wait_ = std::move(action); }

 private:
  FakeClock& clock_;
  int waits_ = 0;
  std::function<void(int)> after_wait_;
};

class LiveRunsTest : public ::testing::Test {
 protected:
  std::shared_ptr<LiveRun> live_run(std::string run_id, std::string conversation_id) {
    return std::make_shared<LiveRun>(clock_, std::move(run_id), std::move(conversation_id),
                                     "user-1", Background::no);
  }

  std::shared_ptr<LiveRun> finished_run(std::string run_id, std::string conversation_id) {
    auto run = live_run(std::move(run_id), std::move(conversation_id));
    run->events().close();
    return run;
  }

  FakeClock clock_;
  TickingDelay delay_{clock_};
};

using LiveRunTest = LiveRunsTest;

TEST_F(LiveRunsTest, TheLatestRunOfAConversationIsTheLastOneAdded) {
  LiveRuns runs(clock_, delay_);
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

TEST_F(LiveRunsTest, ForgetsAConversationsRun) {
  LiveRuns runs(clock_, delay_);
  runs.add(live_run("run-1", "conversation-1"));
  runs.add(live_run("run-2", "conversation-2"));

  runs.forget("conversation-1");

  EXPECT_EQ(runs.latest("conversation-1"), nullptr);
  EXPECT_NE(runs.latest("conversation-2"), nullptr);
  EXPECT_EQ(runs.size(), 1u);
}

TEST_F(LiveRunsTest, PrunesFinishedRunsOnceTheirTimeIsUp) {
  LiveRuns runs(clock_, delay_, 0s);
  runs.add(finished_run("run-1", "conversation-1"));
  clock_.advance(2ms);

  runs.add(live_run("run-2", "conversation-2"));

  EXPECT_EQ(runs.latest("conversation-1"), nullptr);
  EXPECT_EQ(runs.size(), 1u);
}

TEST_F(LiveRunsTest, NeverPrunesARunStillGoing) {
  LiveRuns runs(clock_, delay_, 0s);
  auto going = live_run("run-1", "conversation-1");
  runs.add(going);
  clock_.advance(2ms);

  runs.add(live_run("run-2", "conversation-2"));

  EXPECT_EQ(runs.latest("conversation-1"), going);
}

TEST_F(LiveRunsTest, KeepsAFinishedRunWithinItsTime) {
  LiveRuns runs(clock_, delay_, 300s);
  auto finished = finished_run("run-1", "conversation-1");
  runs.add(finished);
  clock_.advance(299s);

  runs.add(live_run("run-2", "conversation-2"));

  EXPECT_EQ(runs.latest("conversation-1"), finished);
}

TEST_F(LiveRunsTest, KeepsAtMostSoManyFinishedRunsDroppingThoseThatEndedFirst) {
  LiveRuns runs(clock_, delay_, 300s, 2);
  auto going = live_run("run-0", "conversation-0");
  runs.add(going);
  runs.add(finished_run("run-1", "conversation-1"));
  clock_.advance(2ms);
  runs.add(finished_run("run-2", "conversation-2"));
  clock_.advance(2ms);
  runs.add(finished_run("run-3", "conversation-3"));
  runs.add(live_run("run-4", "conversation-4"));

  EXPECT_EQ(runs.latest("conversation-1"), nullptr);
  EXPECT_NE(runs.latest("conversation-2"), nullptr);
  EXPECT_NE(runs.latest("conversation-3"), nullptr);
  EXPECT_EQ(runs.latest("conversation-0"), going);
  EXPECT_EQ(runs.size(), 4u);
}

TEST_F(LiveRunsTest, TheTimeToKeepARunCountsFromItsEnd) {
  // A run that took longer than the keep time is still there right after it ended, so a
  // reader can catch up with its last events.
  LiveRuns runs(clock_, delay_, std::chrono::seconds(1));
  auto long_run = live_run("run-1", "conversation-1");
  runs.add(long_run);
  clock_.advance(1200ms);
  long_run->events().close();

  runs.add(live_run("run-2", "conversation-2"));

  EXPECT_EQ(runs.latest("conversation-1"), long_run);
}

TEST_F(LiveRunsTest, CountsTheRunsNotYetEnded) {
  LiveRuns runs(clock_, delay_);
  runs.add(finished_run("run-1", "conversation-1"));
  runs.add(live_run("run-2", "conversation-2"));
  runs.add(live_run("run-3", "conversation-3"));

  EXPECT_EQ(runs.running(), 2u);
}

TEST_F(LiveRunsTest, WaitingForRunsToEndReturnsOnceTheLastOneEnds) {
  LiveRuns runs(clock_, delay_);
  auto going = live_run("run-1", "conversation-1");
  runs.add(going);
  // The run ends at the fifth poll, 100 ms in, long before the wait's deadline.
  delay_.after_each_wait([&going](int waits) {
    if (waits == 5) going->events().close();
  });
  const auto started = clock_.steady_now();

  auto left = run_sync(runs.wait_until_ended(started + 10s));

  EXPECT_EQ(left, 0u);
  EXPECT_EQ(clock_.steady_now() - started, 100ms);
}

TEST_F(LiveRunsTest, WaitingForRunsToEndGivesUpAtTheDeadline) {
  LiveRuns runs(clock_, delay_);
  runs.add(live_run("run-1", "conversation-1"));
  runs.add(finished_run("run-2", "conversation-2"));
  const auto started = clock_.steady_now();

  auto left = run_sync(runs.wait_until_ended(started + 150ms));

  EXPECT_EQ(left, 1u);
  // Polled every 20 ms, the last wait cut to what was left of the deadline.
  EXPECT_EQ(clock_.steady_now() - started, 150ms);
}

TEST_F(LiveRunTest, TheOutcomeIsTheTerminalEvent) {
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

TEST_F(LiveRunTest, ALogClosedWithoutAnOutcomeIsAnInternalError) {
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

TEST_F(LiveRunTest, CancelInterruptsTheRunWhereItWaits) {
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

TEST_F(LiveRunTest, WhatTheRunLetsEscapeEndsItAsFailedForItsReaders) {
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

TEST_F(LiveRunTest, CancelBeforeTheRunStartsIsStillSeenByIt) {
  auto run = live_run("run-1", "conversation-1");

  run->cancel();

  EXPECT_TRUE(run->cancellation().requested());
}

}  // namespace
}  // namespace agentd
