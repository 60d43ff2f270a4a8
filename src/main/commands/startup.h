// What agentd's commands share: their exit codes, how they end on an error, running a
// coroutine to completion, and the start-up every command working on the database takes.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <exception>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "application/ports/page.h"
#include "domain/common/result.h"
#include "infrastructure/config/config.h"
#include "infrastructure/config/file_config.h"
#include "infrastructure/logging/log.h"
#include "main/services.h"

namespace agentd {

inline constexpr int kExitOk = 0;
// The command could not do its work: a user or key not found, the database down.
inline constexpr int kExitFailure = 1;
// A wrong command line or configuration.
inline constexpr int kExitUsage = 2;

// "agentd: <message>" on standard error; returns `exit_code`.
int report(std::string_view message, int exit_code);
// "agentd: invalid configuration: <setting>: <message>" on standard error; returns kExitUsage.
int report_config_error(const Error& error);
// What a command ends with on `error`, said on standard error: kExitUsage for a configuration
// error or a request the command line made that cannot be valid (a malformed email, an unknown
// tool), kExitFailure for any other (not found, a conflict, the database down).
int report_failure(const Error& error);

// Runs one coroutine to completion on `io` before the server starts (or instead of it): the
// io_context that watches PostgreSQL's sockets must be the one that runs.
template <typename T>
T run_blocking(boost::asio::io_context& io, boost::asio::awaitable<T> work) {
  // Work handed to the blocking pool must not let io.run() return early.
  auto guard = boost::asio::make_work_guard(io);
  std::optional<T> result;
  std::exception_ptr failure;
  boost::asio::co_spawn(
      io, [&]() -> boost::asio::awaitable<T> { co_return co_await std::move(work); },
      [&](const std::exception_ptr& escaped, T value) {
        failure = escaped;
        if (!escaped) result.emplace(std::move(value));
        guard.reset();
      });
  io.run();
  io.restart();
  // The caller sees what the task threw, as if it had run the task itself.
  if (failure) std::rethrow_exception(failure);
  if (!result) throw std::runtime_error("a start-up task did not finish");
  return std::move(*result);
}

// What starting on a database whose schema is not this binary's does: the server starts
// anyway (its /ready answers 503 until the schema matches, and the log says why); an
// administration command refuses, with the reason.
enum class StaleSchema { serve, refuse };

// Builds the services over the database, migrating it first when configured to. A
// configuration error is answered for the caller to report; any other failure is logged here
// as well.
Result<std::unique_ptr<Services>> start_services(boost::asio::io_context& io,
                                                 const config::Config& config,
                                                 const config::FileConfig& file,
                                                 StaleSchema stale_schema);

// Every item of a list, page after page: `page_after(after)` answers the page after the cursor
// `after`, a nullopt for the first one. Its captures must be references: it is copied into
// the coroutine frame (docs/coroutines.md).
template <typename T, typename PageAfter>
boost::asio::awaitable<Result<std::vector<T>>> every_item(PageAfter page_after) {
  std::vector<T> items;
  std::optional<std::string> after;
  for (;;) {
    auto page = co_await page_after(after);
    if (!page) co_return page.error();
    for (auto& item : page->items) items.push_back(std::move(item));
    if (!page->has_more || items.empty()) co_return items;
    after = items.back().id;
  }
}

// How long a command waits for Redis before it changes what servers cache.
inline constexpr std::chrono::milliseconds kNoticesConnectTimeout{2'000};

// Runs `change`, one that servers keep in their caches (a user disabled, a key revoked), so
// that with Redis configured its notice reaches every replica, which forgets its copy at
// once. Without Redis, or when Redis does not answer in time, servers see the change when
// their cache entries expire, within two seconds.
template <typename T>
boost::asio::awaitable<T> announced(Services& services, boost::asio::awaitable<T> change) {
  if (services.redis) {
    const bool connected = co_await services.connect_notices(kNoticesConnectTimeout);
    if (!connected) {
      log::warn("notices_unavailable",
                {{"hint", "running servers see the change once their caches expire"}});
    }
  }
  std::optional<T> result;
  std::exception_ptr failure;
  try {
    result.emplace(co_await std::move(change));
  } catch (...) {
    failure = std::current_exception();
  }
  // The connection would keep the io_context running.
  services.stop_redis();
  if (failure) std::rethrow_exception(failure);
  co_return std::move(*result);
}

}  // namespace agentd
