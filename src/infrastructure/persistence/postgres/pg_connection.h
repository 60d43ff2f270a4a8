// One PostgreSQL connection driven by libpq's asynchronous API on Asio: every wait is on the
// connection's socket through a stream_descriptor, so no thread blocks on the database.
// Statements are prepared once per connection and executed by name after that. Not
// thread-safe: the pool hands a connection to one coroutine at a time.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "infrastructure/persistence/postgres/pg_params.h"
#include "infrastructure/persistence/postgres/pg_rows.h"
#include "infrastructure/persistence/postgres/pg_settings.h"

struct pg_conn;

namespace agentd::postgres {

// One statement of a pipeline.
struct PgStatement {
  std::string_view sql;
  PgParams params;
};

class PgConnection {
 public:
  // Connects within settings.connect_timeout; throws PgError (unavailable) when it cannot.
  static boost::asio::awaitable<std::unique_ptr<PgConnection>> open(
      boost::asio::any_io_executor executor, const PgSettings& settings);

  ~PgConnection();
  PgConnection(const PgConnection&) = delete;
  PgConnection& operator=(const PgConnection&) = delete;

  // Runs one statement with its parameters, preparing it on first use. Throws PgError: a
  // statement error leaves the connection usable (outside a transaction); a lost server or a
  // statement past the query timeout leaves it broken.
  boost::asio::awaitable<PgRows> execute(std::string_view sql, const PgParams& params = {});
  // Sends every statement at once (libpq's pipeline mode: one round trip, not one each) and
  // returns their rows in order. Meant inside a transaction: the first failing statement
  // throws, and the server skips the rest.
  boost::asio::awaitable<std::vector<PgRows>> execute_all(
      const std::vector<PgStatement>& statements);
  // Runs SQL that may hold several statements and no parameters (BEGIN, a migration).
  boost::asio::awaitable<void> run_script(std::string_view sql);

  // True unless the connection is broken or left inside a transaction (no system call).
  bool whole() const;
  // whole(), and the server has not closed it since it was last used (one poll): else the
  // pool drops it and connects again.
  bool usable() const;

 private:
  PgConnection(boost::asio::any_io_executor executor, pg_conn* connection,
               std::chrono::milliseconds query_timeout);

  using Deadline = std::chrono::steady_clock::time_point;
  enum class Wait { read, write };

  boost::asio::awaitable<void> connect(std::chrono::milliseconds timeout);
  boost::asio::awaitable<void> wait(Wait what, Deadline deadline);
  boost::asio::awaitable<void> flush(Deadline deadline);
  // Reads every result of what was sent; returns the last one, or throws the first error.
  boost::asio::awaitable<PgRows> results(Deadline deadline);
  // The next result once it has arrived (null between one statement's results and the next).
  boost::asio::awaitable<pg_result*> next_result(Deadline deadline);
  // The name `sql` is prepared under, sending the PREPARE (not awaiting it) the first time;
  // `sent` says whether it did.
  const std::string& statement_name(std::string_view sql, bool& sent);
  [[noreturn]] void fail_sending();
  void watch_socket();
  Deadline deadline() const;

  boost::asio::posix::stream_descriptor socket_;
  pg_conn* connection_;
  std::chrono::milliseconds query_timeout_;
  bool broken_ = false;
  // Finds a std::string key by a string_view, without making a string of it.
  struct SqlHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view sql) const {
      return std::hash<std::string_view>{}(sql);
    }
  };
  // SQL → statement name
  std::unordered_map<std::string, std::string, SqlHash, std::equal_to<>> prepared_;
  std::size_t statements_named_ = 0;
};

}  // namespace agentd::postgres
