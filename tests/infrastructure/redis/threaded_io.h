// An io_context running on two threads for a whole test, as in the server: a client's strand
// must keep hiredis to one thread at a time while coroutines run on both.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <chrono>
#include <functional>
#include <thread>
#include <utility>

namespace agentd::redis {

class ThreadedIo {
 public:
  ThreadedIo() : work_(boost::asio::make_work_guard(io_)) {
    for (auto& thread : threads_) thread = std::thread([this] { io_.run(); });
  }
  // Waits for the work left to end instead of stopping the io_context: a client destroyed
  // before it must leave no wait, timer or handler behind, or this never returns.
  ~ThreadedIo() {
    work_.reset();
    for (auto& thread : threads_) thread.join();
  }
  ThreadedIo(const ThreadedIo&) = delete;
  ThreadedIo& operator=(const ThreadedIo&) = delete;

  boost::asio::any_io_executor executor() { return io_.get_executor(); }

  // Runs `awaitable` on the io_context and waits for its result.
  template <class T>
  T run(boost::asio::awaitable<T> awaitable) {
    return boost::asio::co_spawn(io_, std::move(awaitable), boost::asio::use_future).get();
  }

  // Polls `condition` until it holds or `timeout` passes; whether it held.
  static bool wait_until(const std::function<bool()>& condition,
                         std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!condition()) {
      if (std::chrono::steady_clock::now() > deadline) return false;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return true;
  }

 private:
  boost::asio::io_context io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_;
  std::thread threads_[2];
};

}  // namespace agentd::redis
