// Bounds one asynchronous operation by a deadline, keeping it cancellable from outside.
#pragma once

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <chrono>
#include <tuple>

namespace agentd::net {

using Deadline = std::chrono::steady_clock::time_point;

// The completion token for operations passed to `before`: errors come back as values.
inline constexpr auto kAsTuple = boost::asio::as_tuple(boost::asio::use_awaitable);

// Awaits `operation` (made with kAsTuple) until `deadline`; past it the operation is cancelled
// and the error is timed_out. The race with a timer, rather than a socket timeout, also lets
// the awaiting coroutine's cancellation reach the operation: then the error is
// operation_aborted.
template <typename... Values>
boost::asio::awaitable<std::tuple<boost::system::error_code, Values...>> before(
    Deadline deadline,
    boost::asio::awaitable<std::tuple<boost::system::error_code, Values...>> operation) {
  using namespace boost::asio::experimental::awaitable_operators;
  boost::asio::steady_timer timer(co_await boost::asio::this_coro::executor, deadline);
  auto outcome = co_await (std::move(operation) || timer.async_wait(kAsTuple));
  if (outcome.index() == 0) co_return std::get<0>(std::move(outcome));
  std::tuple<boost::system::error_code, Values...> failed{};
  // The timer lost its wait only when the whole race was cancelled from outside.
  std::get<0>(failed) = std::get<0>(std::get<1>(outcome)) ? boost::asio::error::operation_aborted
                                                          : boost::asio::error::timed_out;
  co_return failed;
}

}  // namespace agentd::net
