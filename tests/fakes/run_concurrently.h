// Runs several awaitables at once on a multi-threaded io_context and returns their results
// in input order, so tests can race operations against each other.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <cstddef>
#include <exception>
#include <mutex>
#include <optional>
#include <thread>
#include <utility>
#include <vector>

namespace agentd {

template <class T>
std::vector<T> run_concurrently(std::vector<boost::asio::awaitable<T>> awaitables,
                                unsigned threads = 4) {
  boost::asio::io_context io;
  // Work posted elsewhere (a BlockingPool) must not let io.run() return early.
  auto work = boost::asio::make_work_guard(io);
  std::vector<std::optional<T>> results(awaitables.size());
  std::mutex mutex;
  std::exception_ptr failure;
  std::size_t remaining = awaitables.size();
  for (std::size_t i = 0; i < awaitables.size(); ++i) {
    boost::asio::co_spawn(
        io,
        [&, i]() -> boost::asio::awaitable<void> {
          results[i].emplace(co_await std::move(awaitables[i]));
        },
        [&](std::exception_ptr error) {
          std::lock_guard lock(mutex);
          if (error && !failure) failure = error;
          if (--remaining == 0) work.reset();
        });
  }
  std::vector<std::thread> runners;
  for (unsigned i = 0; i < threads; ++i) runners.emplace_back([&io] { io.run(); });
  for (auto& runner : runners) runner.join();
  if (failure) std::rethrow_exception(failure);
  std::vector<T> values;
  values.reserve(results.size());
  for (auto& result : results) values.push_back(std::move(*result));
  return values;
}

}  // namespace agentd
