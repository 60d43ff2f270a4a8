#include "application/common/run_bounded.h"

#include <algorithm>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/experimental/parallel_group.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <vector>

namespace agentd {
namespace {

namespace asio = boost::asio;

// One worker: takes the next index until none is left. Workers share one executor, so `next`
// needs no lock.
asio::awaitable<void> take_jobs(std::size_t& next, std::size_t count, const IndexedJob& job) {
  while (next < count) {
    const std::size_t index = next++;
    co_await job(index);
  }
}

}  // namespace

asio::awaitable<std::exception_ptr> run_bounded(std::size_t count, std::size_t limit,
                                                IndexedJob job) {
  if (count == 0) co_return nullptr;
  auto executor = co_await asio::this_coro::executor;
  std::size_t next = 0;
  const std::size_t workers = std::min(std::max<std::size_t>(limit, 1), count);
  using Worker = decltype(asio::co_spawn(executor, take_jobs(next, count, job), asio::deferred));
  std::vector<Worker> group;
  group.reserve(workers);
  for (std::size_t w = 0; w < workers; ++w) {
    group.push_back(asio::co_spawn(executor, take_jobs(next, count, job), asio::deferred));
  }
  auto [order, failures] = co_await asio::experimental::make_parallel_group(std::move(group))
                               .async_wait(asio::experimental::wait_for_all(), asio::use_awaitable);
  for (auto& failure : failures) {
    if (failure) co_return failure;
  }
  co_return nullptr;
}

}  // namespace agentd
