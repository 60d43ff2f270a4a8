// Many asynchronous jobs with at most a few in flight: a batch of tool calls must not take
// every connection and core at once.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <cstddef>
#include <exception>
#include <functional>

namespace agentd {

// The job for one index of the work.
using IndexedJob = std::function<boost::asio::awaitable<void>(std::size_t index)>;

// Runs job(0) … job(count - 1) on the caller's executor (one thread or a strand), at most
// `limit` (at least 1) at once, starting them in index order. Returns only once every started
// job has ended, even when cancelled (the cancellation reaches each job), so the jobs may refer
// to the caller's frame. A job that throws ends its share of the work, the others go on; the
// first exception is returned, null when none threw.
boost::asio::awaitable<std::exception_ptr> run_bounded(std::size_t count, std::size_t limit,
                                                       IndexedJob job);

}  // namespace agentd
