// Delay on a steady timer of the awaiting coroutine's executor; cancellable like any wait.
#pragma once

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "application/ports/delay.h"

namespace agentd {

class AsioDelay : public Delay {
 public:
  boost::asio::awaitable<void> wait(std::chrono::milliseconds duration) override {
    boost::asio::steady_timer timer(co_await boost::asio::this_coro::executor, duration);
    co_await timer.async_wait(boost::asio::use_awaitable);
  }
};

}  // namespace agentd
