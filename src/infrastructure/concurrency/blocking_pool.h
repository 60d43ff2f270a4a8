// Runs blocking work (SQLite, Argon2id) on worker threads so I/O threads never stall,
// then resumes the awaiting coroutine on its own executor.
#pragma once

#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <exception>
#include <type_traits>
#include <utility>

namespace agentd {

class BlockingPool {
 public:
  explicit BlockingPool(unsigned threads) : pool_(threads) {}
  ~BlockingPool() { pool_.join(); }
  BlockingPool(const BlockingPool&) = delete;
  BlockingPool& operator=(const BlockingPool&) = delete;

  // co_await pool.run([&] { return blocking_call(); }); an exception thrown by the work is
  // rethrown in the awaiting coroutine. Deliberately not a coroutine itself: GCC 12 copies
  // a closure argument into a coroutine frame bitwise, which corrupts captured strings.
  template <typename F>
  auto run(F work) -> boost::asio::awaitable<std::invoke_result_t<F>> {
    using R = std::invoke_result_t<F>;
    static_assert(std::is_default_constructible_v<R>,
                  "the result of blocking work needs a default");
    return boost::asio::async_initiate<const boost::asio::use_awaitable_t<>,
                                       void(std::exception_ptr, R)>(
        [this](auto handler, F job) {
          // Outstanding work on the caller's executor until the result is handed over, as
          // every Asio operation does: its run() cannot return, nor its io_context be
          // destroyed, while a worker is still posting to it.
          auto caller_work = boost::asio::make_work_guard(handler);
          boost::asio::post(pool_, [handler = std::move(handler), work = std::move(job),
                                    caller_work = std::move(caller_work)]() mutable {
            std::exception_ptr failure;
            R value{};
            try {
              value = work();
            } catch (...) {
              failure = std::current_exception();
            }
            auto executor = boost::asio::get_associated_executor(handler);
            boost::asio::dispatch(executor, [handler = std::move(handler), failure,
                                             value = std::move(value)]() mutable {
              std::move(handler)(failure, std::move(value));
            });
            caller_work.reset();
          });
        },
        boost::asio::use_awaitable, std::move(work));
  }

 private:
  boost::asio::thread_pool pool_;
};

}  // namespace agentd
