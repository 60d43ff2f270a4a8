// One io_context for a whole test: objects that keep sockets between calls (a connection pool)
// stay bound to a live io_context, unlike run_sync's fresh one per call.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <exception>
#include <optional>
#include <utility>

namespace agentd {

class EventLoop {
 public:
  // Runs `awaitable` to completion; an exception it throws is rethrown here.
  template <class T>
  T run(boost::asio::awaitable<T> awaitable) {
    std::optional<T> result;
    std::exception_ptr failure;
    boost::asio::co_spawn(
        io_,
        [&]() -> boost::asio::awaitable<void> { result.emplace(co_await std::move(awaitable)); },
        [&](std::exception_ptr error) { failure = error; });
    io_.restart();
    io_.run();
    if (failure) std::rethrow_exception(failure);
    return std::move(*result);
  }

 private:
  boost::asio::io_context io_;
};

}  // namespace agentd
