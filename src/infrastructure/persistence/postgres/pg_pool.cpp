#include "infrastructure/persistence/postgres/pg_pool.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <chrono>

#include "infrastructure/logging/log.h"

namespace agentd::postgres {
namespace {

namespace asio = boost::asio;

Error database_unavailable() {
  return Error::unavailable("the database is unavailable; try again", "database_unavailable");
}

}  // namespace

Error storage_error(std::string_view operation, const PgError& error) {
  if (error.is_unavailable()) {
    log::warn("database_unavailable", {{"operation", operation}, {"error", error.what()}});
    return database_unavailable();
  }
  log::error("storage_failed",
             {{"operation", operation}, {"sqlstate", error.sqlstate()}, {"error", error.what()}});
  return Error::internal("storage failed");
}

Error corrupt_data_error(std::string_view operation, const std::exception& error) {
  log::error("storage_failed", {{"operation", operation}, {"error", error.what()}});
  return Error::internal("storage failed");
}

PgLease::~PgLease() {
  if (pool_ != nullptr && connection_ != nullptr) pool_->give_back(std::move(connection_));
}

PgPool::PgPool(asio::any_io_executor executor, PgSettings settings)
    : executor_(std::move(executor)), settings_(std::move(settings)) {
  free_slots_.resize(settings_.pool_size);
}

void PgPool::give_back(std::unique_ptr<PgConnection> connection) {
  // Whether the server closed it since is asked when it is next taken, not now.
  if (connection != nullptr && !connection->whole()) connection.reset();
  std::lock_guard lock(mutex_);
  if (waiters_.empty()) {
    free_slots_.push_back(std::move(connection));
    return;
  }
  auto waiter = std::move(waiters_.front());
  waiters_.pop_front();
  waiter->served = true;
  waiter->slot = std::move(connection);
  waiter->timer.cancel();
}

asio::awaitable<std::optional<std::unique_ptr<PgConnection>>> PgPool::take_slot() {
  std::shared_ptr<Waiter> waiter;
  {
    std::lock_guard lock(mutex_);
    if (!free_slots_.empty()) {
      auto slot = std::move(free_slots_.front());
      free_slots_.pop_front();
      co_return std::optional(std::move(slot));
    }
    waiter = std::make_shared<Waiter>(executor_);
    waiter->timer.expires_after(settings_.acquire_timeout);
    waiters_.push_back(waiter);
  }
  // The wait starts under the lock, so give_back's cancel either finds it started or finds
  // the waiter already served (and then the wait is not started at all).
  // give_back's cancel wakes it with operation_aborted: an answer, not a failure.
  constexpr auto kWokenUp = asio::as_tuple(asio::use_awaitable);
  co_await asio::async_initiate<decltype(kWokenUp), void(boost::system::error_code)>(
      // Captures only pointers (docs/coroutines.md): `waiter` keeps the Waiter alive.
      [this, waiting = waiter.get()](auto handler) {
        std::lock_guard lock(mutex_);
        if (waiting->served) {
          auto executor = asio::get_associated_executor(handler, executor_);
          asio::post(executor, [handler = std::move(handler)]() mutable {
            std::move(handler)(boost::system::error_code{});
          });
          return;
        }
        waiting->timer.async_wait(std::move(handler));
      },
      kWokenUp);
  std::lock_guard lock(mutex_);
  if (waiter->served) co_return std::optional(std::move(waiter->slot));
  std::erase(waiters_, waiter);
  co_return std::nullopt;
}

asio::awaitable<Result<PgLease>> PgPool::acquire() {
  auto taken = co_await take_slot();
  if (!taken) {
    log::warn("database_pool_exhausted",
              {{"pool_size", static_cast<std::int64_t>(settings_.pool_size)},
               {"waited_ms", static_cast<std::int64_t>(settings_.acquire_timeout.count())}});
    co_return database_unavailable();
  }
  auto slot = std::move(*taken);
  bool reused = slot != nullptr;
  if (slot != nullptr && !slot->usable()) {
    slot.reset();
    reused = false;
  }
  if (slot == nullptr) {
    std::string failure;
    try {
      slot = co_await PgConnection::open(executor_, settings_);
    } catch (const PgError& e) {
      failure = e.what();
    }
    if (slot == nullptr) {
      give_back(nullptr);
      log::warn("database_unavailable", {{"operation", "connect"}, {"error", failure}});
      co_return database_unavailable();
    }
  }
  co_return PgLease(*this, std::move(slot), reused);
}

}  // namespace agentd::postgres
