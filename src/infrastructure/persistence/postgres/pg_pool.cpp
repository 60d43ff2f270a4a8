#include "infrastructure/persistence/postgres/pg_pool.h"

#include <chrono>

#include "infrastructure/logging/log.h"
#include "infrastructure/net/deadline.h"

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
  log::error("storage_failed", {{"operation", operation},
                                {"sqlstate", error.sqlstate()},
                                {"error", error.what()}});
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
    : executor_(std::move(executor)), settings_(std::move(settings)),
      slots_(executor_, settings_.pool_size) {
  for (std::size_t i = 0; i < settings_.pool_size; ++i) {
    slots_.try_send(boost::system::error_code{}, nullptr);
  }
}

void PgPool::give_back(std::unique_ptr<PgConnection> connection) {
  if (!connection->usable()) connection.reset();
  // Never full: every slot taken out comes back exactly once.
  slots_.try_send(boost::system::error_code{}, std::move(connection));
}

asio::awaitable<Result<PgLease>> PgPool::acquire() {
  const auto deadline = std::chrono::steady_clock::now() + settings_.acquire_timeout;
  auto [error, slot] = co_await net::before(deadline, slots_.async_receive(net::kAsTuple));
  if (error) {
    log::warn("database_pool_exhausted",
              {{"pool_size", static_cast<std::int64_t>(settings_.pool_size)},
               {"waited_ms", static_cast<std::int64_t>(settings_.acquire_timeout.count())}});
    co_return database_unavailable();
  }
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
      slots_.try_send(boost::system::error_code{}, nullptr);
      log::warn("database_unavailable", {{"operation", "connect"}, {"error", failure}});
      co_return database_unavailable();
    }
  }
  co_return PgLease(*this, std::move(slot), reused);
}

}  // namespace agentd::postgres
