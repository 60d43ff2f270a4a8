// A run's event log: numbered from 1, read from any id, waking waiting readers on every event
// and on close, safe for readers on other threads.
#include "application/agent/run_event_log.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <chrono>
#include <cstdint>
#include <string>
#include <thread>
#include <variant>
#include <vector>

#include "fakes/fake_clock.h"
#include "fakes/run_concurrently.h"
#include "fakes/run_sync.h"

namespace agentd {
namespace {

using namespace std::chrono_literals;
using namespace boost::asio::experimental::awaitable_operators;
using boost::asio::awaitable;
using boost::asio::use_awaitable;
using ::testing::ElementsAre;

RunEvent delta(std::string content) { return MessageDelta{std::move(content)}; }

std::vector<std::int64_t> ids_of(const std::vector<NumberedEvent>& events) {
  std::vector<std::int64_t> ids;
  for (const auto& numbered : events) ids.push_back(numbered.id);
  return ids;
}

std::string content_of(const NumberedEvent& numbered) {
  return std::get<MessageDelta>(numbered.event).content;
}

awaitable<void> sleep_for(std::chrono::milliseconds duration) {
  boost::asio::steady_timer timer(co_await boost::asio::this_coro::executor, duration);
  co_await timer.async_wait(use_awaitable);
}

// What a reader waiting on the log got, or nullopt when nothing woke it within `patience`.
awaitable<std::optional<std::vector<NumberedEvent>>> read_within(
    RunEventLog& log, std::int64_t after, std::chrono::milliseconds patience) {
  auto outcome = co_await (log.read_after(after) || sleep_for(patience));
  if (outcome.index() == 1) co_return std::nullopt;
  co_return std::get<0>(std::move(outcome));
}

// Does `act` on `log` after a short wait, while the test's reader is already waiting.
awaitable<void> later(RunEventLog& log, bool close_it) {
  co_await sleep_for(20ms);
  if (close_it) {
    log.close();
  } else {
    log.emit(delta("late"));
  }
}

TEST(RunEventLog, ClosingStampsTheClocksSteadyTimeOnce) {
  FakeClock clock;
  RunEventLog log(clock);
  EXPECT_FALSE(log.closed_at());
  const auto closing = clock.steady_now();

  log.close();
  clock.advance(5s);
  log.close();

  EXPECT_EQ(log.closed_at(), closing);
}

TEST(RunEventLog, NumbersEventsFromOne) {
  FakeClock clock;
  RunEventLog log(clock);
  log.emit(delta("a"));
  log.emit(delta("b"));
  log.emit(delta("c"));

  const auto events = run_sync(log.read_after(0));

  EXPECT_THAT(ids_of(events), ElementsAre(1, 2, 3));
  EXPECT_EQ(content_of(events[0]), "a");
  EXPECT_EQ(content_of(events[2]), "c");
}

TEST(RunEventLog, ReadsOnlyTheEventsAfterAnId) {
  FakeClock clock;
  RunEventLog log(clock);
  for (const char* content : {"a", "b", "c", "d"}) log.emit(delta(content));

  EXPECT_THAT(ids_of(run_sync(log.read_after(2))), ElementsAre(3, 4));
  EXPECT_THAT(ids_of(run_sync(log.read_after(3))), ElementsAre(4));
  EXPECT_THAT(ids_of(run_sync(log.read_after(-5))), ElementsAre(1, 2, 3, 4));
}

TEST(RunEventLog, AWaitingReaderWakesOnTheNextEvent) {
  FakeClock clock;
  RunEventLog log(clock);
  log.emit(delta("seen"));

  auto events = run_sync([&]() -> awaitable<std::optional<std::vector<NumberedEvent>>> {
    auto executor = co_await boost::asio::this_coro::executor;
    boost::asio::co_spawn(executor, later(log, false), boost::asio::detached);
    co_return co_await read_within(log, 1, 5s);
  }());

  ASSERT_TRUE(events) << "the reader was never woken";
  ASSERT_EQ(events->size(), 1u);
  EXPECT_EQ((*events)[0].id, 2);
  EXPECT_EQ(content_of((*events)[0]), "late");
}

TEST(RunEventLog, ClosingEndsWaitingReaders) {
  FakeClock clock;
  RunEventLog log(clock);
  log.emit(delta("seen"));

  auto events = run_sync([&]() -> awaitable<std::optional<std::vector<NumberedEvent>>> {
    auto executor = co_await boost::asio::this_coro::executor;
    boost::asio::co_spawn(executor, later(log, true), boost::asio::detached);
    co_return co_await read_within(log, 1, 5s);
  }());

  ASSERT_TRUE(events) << "the reader was never woken";
  EXPECT_TRUE(events->empty());
  EXPECT_TRUE(log.closed());
}

TEST(RunEventLog, AClosedLogStillHandsOutWhatAReaderHasNotSeen) {
  FakeClock clock;
  RunEventLog log(clock);
  log.emit(delta("a"));
  log.emit(delta("b"));
  log.close();

  EXPECT_THAT(ids_of(run_sync(log.read_after(1))), ElementsAre(2));
  EXPECT_TRUE(run_sync(log.read_after(2)).empty());
}

TEST(RunEventLog, NothingIsAddedAfterClose) {
  FakeClock clock;
  RunEventLog log(clock);
  log.emit(delta("a"));
  log.close();

  log.emit(delta("too late"));

  EXPECT_THAT(ids_of(run_sync(log.read_after(0))), ElementsAre(1));
}

TEST(RunEventLog, ReadersOnManyThreadsEachSeeEveryEventOnceInOrder) {
  constexpr int kEvents = 300;
  constexpr int kReaders = 8;
  FakeClock clock;
  RunEventLog log(clock);
  auto read_all = [&log]() -> awaitable<std::vector<std::int64_t>> {
    std::vector<std::int64_t> seen;
    for (;;) {
      const std::int64_t last = seen.empty() ? 0 : seen.back();
      auto events = co_await log.read_after(last);
      if (events.empty()) co_return seen;
      for (const auto& numbered : events) seen.push_back(numbered.id);
    }
  };
  std::vector<awaitable<std::vector<std::int64_t>>> readers;
  for (int i = 0; i < kReaders; ++i) readers.push_back(read_all());
  std::thread emitter([&log] {
    for (int i = 0; i < kEvents; ++i) {
      log.emit(delta(std::to_string(i)));
      if (i % 50 == 0) std::this_thread::sleep_for(1ms);
    }
    log.close();
  });

  auto seen = run_concurrently(std::move(readers), 4);
  emitter.join();

  std::vector<std::int64_t> expected;
  for (int i = 1; i <= kEvents; ++i) expected.push_back(i);
  ASSERT_EQ(seen.size(), static_cast<std::size_t>(kReaders));
  for (const auto& ids : seen) EXPECT_EQ(ids, expected);
}

}  // namespace
}  // namespace agentd
