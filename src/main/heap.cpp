#include "main/heap.h"

#include <malloc.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace agentd {

namespace asio = boost::asio;

asio::awaitable<void> keep_heap_trimmed(std::chrono::milliseconds period) {
  asio::steady_timer timer(co_await asio::this_coro::executor);
  for (;;) {
    timer.expires_after(period);
    auto [ec] = co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
    if (ec) co_return;
    malloc_trim(0);
  }
}

}  // namespace agentd
