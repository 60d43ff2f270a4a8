// A PostgreSQL database for the contract tests. The server is the one AGENTD_TEST_POSTGRES_URL
// names (a database there the tests may create others from); without it the tests skip,
// unless AGENTD_TESTS_REQUIRE_POSTGRES=1 says a skip would hide a gap. One database per test
// binary, agentd_contract_<pid>, is created and migrated on first use and dropped at exit;
// each test empties it, which is far faster than making a new one.
#pragma once

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <memory>
#include <optional>
#include <string>
#include <thread>

#include "infrastructure/persistence/postgres/pg_pool.h"
#include "infrastructure/persistence/postgres/pg_settings.h"

namespace agentd::contract {

// One test's use of the shared database, which it finds empty. The pool's sockets wait on an
// io_context running on a thread of its own, so coroutines run_sync starts elsewhere can use
// the pool: their completions go back to the coroutine that awaits them.
class PostgresTestDatabase {
 public:
  // The emptied database; or null once GTEST_SKIP() (no server named) or FAIL() (a server
  // required but not named, or one that cannot be set up) has been called for the running
  // test, which should then stop.
  static std::unique_ptr<PostgresTestDatabase> open();

  // A new, empty database `name` (dropped first if an earlier run left it) with no schema,
  // for tests of migrating and of the client itself; null as open() is.
  static std::unique_ptr<PostgresTestDatabase> open_empty(const std::string& name,
                                                          postgres::PgSettings settings = {});

  explicit PostgresTestDatabase(postgres::PgSettings settings);
  // Destroy the repositories using pool() first.
  ~PostgresTestDatabase();
  PostgresTestDatabase(const PostgresTestDatabase&) = delete;
  PostgresTestDatabase& operator=(const PostgresTestDatabase&) = delete;

  postgres::PgPool& pool() { return *pool_; }
  const postgres::PgSettings& settings() const { return pool_->settings(); }
  boost::asio::any_io_executor executor() { return io_.get_executor(); }

 private:
  boost::asio::io_context io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_;
  std::thread thread_;
  std::optional<postgres::PgPool> pool_;
};

}  // namespace agentd::contract
