// run_bounded: every job runs once, never more than the limit at once (and no fewer when there
// is work), and a job's exception waits for the others.
#include "application/common/run_bounded.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <chrono>
#include <cstdint>
#include <stdexcept>
#include <vector>

#include "fakes/run_sync.h"

namespace agentd {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;

// Jobs that take a moment, noting which ran, in what order, and how many ran at once.
struct Tally {
  std::vector<std::size_t> started;
  std::vector<std::size_t> finished;
  int running = 0;
  int most_at_once = 0;

  IndexedJob job(std::size_t throwing_index = SIZE_MAX) {
    return [this, throwing_index](std::size_t index) -> asio::awaitable<void> {
      started.push_back(index);
      most_at_once = std::max(most_at_once, ++running);
      asio::steady_timer pause(co_await asio::this_coro::executor, 5ms);
      co_await pause.async_wait(asio::use_awaitable);
      --running;
      if (index == throwing_index) throw std::runtime_error("job failed");
      finished.push_back(index);
    };
  }
};

std::exception_ptr run(std::size_t count, std::size_t limit, IndexedJob job) {
  return run_sync(run_bounded(count, limit, std::move(job)));
}

std::vector<std::size_t> sorted(std::vector<std::size_t> indices) {
  std::sort(indices.begin(), indices.end());
  return indices;
}

TEST(RunBounded, RunsEveryJobOnceAndExactlyTheLimitAtOnce) {
  Tally tally;
  EXPECT_FALSE(run(10, 3, tally.job()));
  EXPECT_EQ(sorted(tally.finished), (std::vector<std::size_t>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}));
  EXPECT_EQ(tally.most_at_once, 3);
}

TEST(RunBounded, StartsJobsInIndexOrder) {
  Tally tally;
  EXPECT_FALSE(run(4, 1, tally.job()));
  EXPECT_EQ(tally.started, (std::vector<std::size_t>{0, 1, 2, 3}));
  EXPECT_EQ(tally.most_at_once, 1);
}

TEST(RunBounded, LimitAboveTheCountRunsEveryJobAtOnce) {
  Tally tally;
  EXPECT_FALSE(run(3, 8, tally.job()));
  EXPECT_EQ(sorted(tally.finished), (std::vector<std::size_t>{0, 1, 2}));
  EXPECT_EQ(tally.most_at_once, 3);
}

TEST(RunBounded, ZeroLimitStillRunsOneAtATime) {
  Tally tally;
  EXPECT_FALSE(run(3, 0, tally.job()));
  EXPECT_EQ(sorted(tally.finished), (std::vector<std::size_t>{0, 1, 2}));
  EXPECT_EQ(tally.most_at_once, 1);
}

TEST(RunBounded, NoJobsReturnsAtOnce) {
  Tally tally;
  EXPECT_FALSE(run(0, 4, tally.job()));
  EXPECT_TRUE(tally.started.empty());
}

TEST(RunBounded, AThrowingJobIsReturnedAfterTheOthersEnd) {
  Tally tally;
  auto failure = run(5, 2, tally.job(1));
  ASSERT_TRUE(failure);
  EXPECT_THROW(std::rethrow_exception(failure), std::runtime_error);
  EXPECT_EQ(sorted(tally.finished), (std::vector<std::size_t>{0, 2, 3, 4}));
  EXPECT_EQ(tally.running, 0);
}

}  // namespace
}  // namespace agentd
