// Runs blocking work (SQLite, Argon2id) on worker threads so I/O threads never stall,
// then resumes the awaiting coroutine on its own executor.
#pragma once

#include <exception>
#include <optional>
#include <type_traits>
#include <utility>

#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace agentd {

class BlockingPool {
 public:
  explicit BlockingPool(unsigned threads) : pool_(threads) {}
  ~BlockingPool() { pool_.join(); }
  BlockingPool(const BlockingPool&) = delete;
  BlockingPool& operator=(const BlockingPool&) = delete;

  // co_await pool.run([&] { return blocking_call(); }); an exception thrown by the work is
  // rethrown in the awaiting coroutine.
  template <typename F>
  auto run(F work) -> boost::asio::awaitable<std::invoke_result_t<F>> {
    using R = std::invoke_result_t<F>;
    static_assert(!std::is_void_v<R>, "return a value (e.g. Status) from blocking work");
    auto value = co_await boost::asio::async_initiate<const boost::asio::use_awaitable_t<>,
                                                      void(std::exception_ptr, std::optional<R>)>(
        [this](auto handler, F work) {
          boost::asio::post(pool_, [handler = std::move(handler), work = std::move(work)]() mutable {
            std::exception_ptr failure;
            std::optional<R> value;
            try {
              value.emplace(work());
            } catch (...) {
              failure = std::current_exception();
            }
            auto executor = boost::asio::get_associated_executor(handler);
            boost::asio::dispatch(executor, [handler = std::move(handler), failure,
                                             value = std::move(value)]() mutable {
              std::move(handler)(failure, std::move(value));
            });
          });
        },
        boost::asio::use_awaitable, std::move(work));
    co_return std::move(*value);
  }

 private:
  boost::asio::thread_pool pool_;
};

}  // namespace agentd
