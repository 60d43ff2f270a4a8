// Runs an awaitable to completion on a private io_context, so tests can call coroutines
// as if they were plain functions.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <exception>
#include <optional>
#include <utility>

namespace agentd {

template <class T>
T run_sync(boost::asio::awaitable<T> awaitable) {
  boost::asio::io_context io;
  // Work posted elsewhere (a BlockingPool) must not let io.run() return early.
  auto work = boost::asio::make_work_guard(io);
  std::optional<T> result;
  std::exception_ptr failure;
  boost::asio::co_spawn(
      io, [&]() -> boost::asio::awaitable<void> { result.emplace(co_await std::move(awaitable)); },
      [&](std::exception_ptr error) {
        failure = error;
        work.reset();
      });
  io.run();
  if (failure) std::rethrow_exception(failure);
  return std::move(*result);
}

}  // namespace agentd
