// A bounded pool of PostgreSQL connections, and the one way a repository reaches the
// database: transaction() or read(). Connections are made when first needed and made again
// when found broken; a request that finds none free within the acquire timeout, or the
// server gone, gets 503 database_unavailable, never a hang. Other database failures become
// a logged internal error (an HTTP 500), never an exception that escapes to the caller.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>
#include <deque>
#include <exception>
#include <memory>
#include <mutex>
#include <optional>
#include <string_view>
#include <type_traits>

#include "domain/common/result.h"
#include "infrastructure/persistence/postgres/pg_connection.h"
#include "infrastructure/persistence/postgres/pg_error.h"
#include "infrastructure/persistence/postgres/pg_settings.h"

namespace agentd::postgres {

class PgPool;

// A connection on loan; back to the pool when destroyed, or dropped if it broke meanwhile.
class PgLease {
 public:
  PgLease(PgPool& pool, std::unique_ptr<PgConnection> connection, bool reused)
      : pool_(&pool), connection_(std::move(connection)), reused_(reused) {}
  PgLease(PgLease&& other) noexcept = default;
  PgLease& operator=(PgLease&&) = delete;
  PgLease(const PgLease&) = delete;
  ~PgLease();

  PgConnection& connection() { return *connection_; }
  // True when the connection sat idle in the pool: the server may have closed it since.
  bool reused() const { return reused_; }

 private:
  PgPool* pool_;
  std::unique_ptr<PgConnection> connection_;
  bool reused_;
};

// The error a failure reading or writing the database is answered with (and logged as).
Error storage_error(std::string_view operation, const PgError& error);
Error corrupt_data_error(std::string_view operation, const std::exception& error);

class PgPool {
 public:
  PgPool(boost::asio::any_io_executor executor, PgSettings settings);

  const PgSettings& settings() const { return settings_; }

  // A connection, or 503 database_unavailable when none is free within the acquire timeout
  // or a new one cannot be made.
  boost::asio::awaitable<Result<PgLease>> acquire();

  // co_await pool.transaction("pause_run", [&](PgConnection& db) -> awaitable<Status> {…});
  // `work` runs inside BEGIN … COMMIT and returns a Result; an error result rolls back what
  // it wrote, as a thrown PgError does. `work` captures by reference (docs/coroutines.md);
  // `operation` names the call in the log.
  template <typename Work>
  auto transaction(std::string_view operation, Work work)
      -> std::invoke_result_t<Work&, PgConnection&> {
    co_return co_await run(operation, work, Mode::transaction);
  }

  // Like transaction, for work that only reads: no transaction is opened, and work that
  // met a connection the server had closed runs again on another.
  template <typename Work>
  auto read(std::string_view operation, Work work) -> std::invoke_result_t<Work&, PgConnection&> {
    co_return co_await run(operation, work, Mode::read);
  }

  // For work whose one write is a single statement (a statement is atomic by itself): no
  // BEGIN and COMMIT around it, so it costs one round trip. Statements that only read may
  // come after it. Never run again: the write may have been done. Unlike a transaction,
  // such a write may still be done after its statement timed out (a server that froze with
  // the statement in hand), so it is for writes a run makes and repeats, not for one a
  // client is told failed and would retry (creating a conversation, starting a run).
  template <typename Work>
  auto single(std::string_view operation, Work work) -> std::invoke_result_t<Work&, PgConnection&> {
    co_return co_await run(operation, work, Mode::single);
  }

 private:
  friend class PgLease;
  enum class Mode { read, single, transaction };

  template <typename Work>
  auto run(std::string_view operation, Work& work, Mode mode)
      -> std::invoke_result_t<Work&, PgConnection&>;

  // A request waiting for a slot: woken by the timer, at its deadline or cancelled early by
  // give_back, which hands it the slot first.
  struct Waiter {
    explicit Waiter(boost::asio::any_io_executor executor) : timer(std::move(executor)) {}
    boost::asio::steady_timer timer;
    bool served = false;
    std::unique_ptr<PgConnection> slot;
  };

  // A slot: a connection, or null for one not made yet (or dropped). nullopt when the
  // deadline passed first.
  boost::asio::awaitable<std::optional<std::unique_ptr<PgConnection>>> take_slot();
  void give_back(std::unique_ptr<PgConnection> connection);

  boost::asio::any_io_executor executor_;
  PgSettings settings_;
  // One slot per connection the pool may have, free or lent; the mutex guards both queues
  // and every waiter's timer (so a cancel never races the wait it cancels).
  std::mutex mutex_;
  std::deque<std::unique_ptr<PgConnection>> free_slots_;
  std::deque<std::shared_ptr<Waiter>> waiters_;
};

template <typename Work>
auto PgPool::run(std::string_view operation, Work& work, Mode mode)
    -> std::invoke_result_t<Work&, PgConnection&> {
  // A connection that sat idle may have been closed by a server restart since: when the
  // first statement finds it so, nothing was done, and a try on another connection serves
  // the request. Reads are safe to repeat from the start as well. Every pooled connection
  // may be such a one, but never a connection made for this request.
  while (true) {
    auto lease = co_await acquire();
    if (!lease) co_return lease.error();
    auto& db = lease->connection();
    bool began = false;
    std::optional<Error> failure;
    bool retry = false;
    try {
      if (mode == Mode::transaction) {
        co_await db.run_script("BEGIN");
        began = true;
      }
      auto result = co_await work(db);
      if (mode == Mode::transaction) {
        const char* end = result ? "COMMIT" : "ROLLBACK";
        co_await db.run_script(end);
      }
      co_return result;
    } catch (const PgError& error) {
      // A server that does not answer is not a stale connection: trying others would only
      // multiply the wait.
      retry = error.is_unavailable() && !error.is_timeout() && lease->reused() &&
              (mode == Mode::read || (mode == Mode::transaction && !began));
      if (!retry) failure = storage_error(operation, error);
    } catch (const std::exception& error) {
      failure = corrupt_data_error(operation, error);
    }
    // A statement error leaves the transaction open and aborted: close it so the connection
    // can serve the next request (a broken one is dropped instead).
    if (began && !db.whole()) {
      try {
        co_await db.run_script("ROLLBACK");
      } catch (const PgError&) {
        // Dropped with the lease: whole() stays false.
      }
    }
    if (!retry) co_return *failure;
  }
}

}  // namespace agentd::postgres
