#include "infrastructure/persistence/postgres_test_database.h"

#include <gtest/gtest.h>
#include <libpq-fe.h>
#include <unistd.h>

#include <boost/asio/co_spawn.hpp>
#include <cstdlib>
#include <exception>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

#include "domain/common/result.h"
#include "fakes/run_sync.h"
#include "infrastructure/persistence/postgres/pg_connection.h"
#include "infrastructure/persistence/postgres/pg_migrations.h"

namespace agentd::contract {
namespace {

namespace asio = boost::asio;

constexpr std::string_view kEmptyEveryTable =
    "TRUNCATE users, sessions, refresh_tokens, api_keys, tool_executions, conversations, runs, "
    "messages, checkpoints, approvals, webhooks, webhook_deliveries, webhook_attempts, responses, "
    "usage_records, budget_counters CASCADE";

bool postgres_required() {
  const char* required = std::getenv("AGENTD_TESTS_REQUIRE_POSTGRES");
  return required != nullptr && std::string_view(required) == "1";
}

// GTEST_SKIP() and FAIL() return from the function they are in, so each has one of its own.
void skip_without_server() {
  GTEST_SKIP() << "PostgreSQL tests skipped: set AGENTD_TEST_POSTGRES_URL to a server the tests "
                  "may create databases on (e.g. postgres://agentd@127.0.0.1:5432/agentd)";
}

void fail_postgres_test(const std::string& why) { FAIL() << why; }

// Runs `statements` one at a time (DROP and CREATE DATABASE refuse a transaction block) on a
// connection of their own; the first error, if any.
std::optional<std::string> run_blocking(const std::string& url,
                                        std::initializer_list<std::string> statements) {
  PGconn* connection = PQconnectdb(url.c_str());
  std::optional<std::string> error;
  if (PQstatus(connection) != CONNECTION_OK) error = PQerrorMessage(connection);
  for (const auto& sql : statements) {
    if (error) break;
    PGresult* result = PQexec(connection, sql.c_str());
    if (PQresultStatus(result) != PGRES_COMMAND_OK) error = PQresultErrorMessage(result);
    PQclear(result);
  }
  PQfinish(connection);
  return error;
}

// The server's connection parameters with `database` instead of its own, as a keyword=value
// string, which libpq takes wherever it takes a URL.
Result<std::string> with_database(const std::string& url, const std::string& database) {
  char* message = nullptr;
  PQconninfoOption* options = PQconninfoParse(url.c_str(), &message);
  if (options == nullptr) {
    std::string why = message != nullptr ? message : "out of memory";
    PQfreemem(message);
    return Error::internal("AGENTD_TEST_POSTGRES_URL is not a PostgreSQL URL: " + why);
  }
  std::string conninfo;
  for (const PQconninfoOption* option = options; option->keyword != nullptr; ++option) {
    if (option->val == nullptr || std::string_view(option->keyword) == "dbname") continue;
    conninfo += option->keyword;
    conninfo += "='";
    for (const char* c = option->val; *c != '\0'; ++c) {
      if (*c == '\'' || *c == '\\') conninfo += '\\';
      conninfo += *c;
    }
    conninfo += "' ";
  }
  PQconninfoFree(options);
  return conninfo + "dbname='" + database + "'";
}

Result<int> migrate_blocking(postgres::PgSettings settings) {
  asio::io_context io;
  std::optional<Result<int>> result;
  std::exception_ptr failure;
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        auto applied = co_await postgres::migrate(io.get_executor(), std::move(settings));
        result.emplace(std::move(applied));
      },
      [&](std::exception_ptr error) { failure = error; });
  io.run();
  if (failure) std::rethrow_exception(failure);
  return std::move(*result);
}

// The test binary's database: made and migrated when first asked for, dropped at exit.
class PostgresSharedDatabase {
 public:
  explicit PostgresSharedDatabase(std::string server_url)
      : server_url_(std::move(server_url)), name_("agentd_contract_" + std::to_string(::getpid())) {
    set_up();
  }
  ~PostgresSharedDatabase() {
    if (created_) (void)run_blocking(server_url_, {drop()});
  }
  PostgresSharedDatabase(const PostgresSharedDatabase&) = delete;
  PostgresSharedDatabase& operator=(const PostgresSharedDatabase&) = delete;

  // Why the database cannot be used, if it cannot.
  const std::optional<std::string>& failure() const { return failure_; }
  const postgres::PgSettings& settings() const { return settings_; }

 private:
  // FORCE ends connections a test may have left behind.
  std::string drop() const { return "DROP DATABASE IF EXISTS \"" + name_ + "\" WITH (FORCE)"; }

  void set_up() {
    auto url = with_database(server_url_, name_);
    if (!url) {
      failure_ = url.error().message;
      return;
    }
    // A database of this name is a leftover of an earlier run that died with the same pid.
    if (auto error = run_blocking(server_url_, {drop(), "CREATE DATABASE \"" + name_ + "\""})) {
      failure_ = "cannot create the database " + name_ +
                 " on the server AGENTD_TEST_POSTGRES_URL names: " + *error;
      return;
    }
    created_ = true;
    settings_.url = std::move(url).value();
    if (auto applied = migrate_blocking(settings_); !applied) {
      failure_ = "cannot migrate the database " + name_ + ": " + applied.error().message;
    }
  }

  std::string server_url_;
  std::string name_;
  bool created_ = false;
  postgres::PgSettings settings_;
  std::optional<std::string> failure_;
};

PostgresSharedDatabase& shared_database(const std::string& server_url) {
  static PostgresSharedDatabase database(server_url);
  return database;
}

Status empty_every_table(postgres::PgPool& pool) {
  auto truncate = [](postgres::PgConnection& db) -> asio::awaitable<Status> {
    co_await db.run_script(kEmptyEveryTable);
    co_return ok_status();
  };
  return run_sync(pool.transaction("empty_every_table", truncate));
}

// The server's URL; nullopt once the test has been skipped or failed for want of one.
std::optional<std::string> server_url() {
  const char* url = std::getenv("AGENTD_TEST_POSTGRES_URL");
  if (url != nullptr && *url != '\0') return url;
  if (postgres_required()) {
    fail_postgres_test(
        "PostgreSQL is required (AGENTD_TESTS_REQUIRE_POSTGRES=1) but AGENTD_TEST_POSTGRES_URL "
        "is not set");
  } else {
    skip_without_server();
  }
  return std::nullopt;
}

}  // namespace

std::unique_ptr<PostgresTestDatabase> PostgresTestDatabase::open_empty(
    const std::string& name, postgres::PgSettings settings) {
  const auto server = server_url();
  if (!server) return nullptr;
  auto url = with_database(*server, name);
  if (!url) {
    fail_postgres_test(url.error().message);
    return nullptr;
  }
  const std::string quoted = "\"" + name + "\"";
  if (auto error = run_blocking(*server, {"DROP DATABASE IF EXISTS " + quoted + " WITH (FORCE)",
                                          "CREATE DATABASE " + quoted})) {
    fail_postgres_test("cannot create the database " + name + ": " + *error);
    return nullptr;
  }
  settings.url = std::move(url).value();
  return std::make_unique<PostgresTestDatabase>(std::move(settings));
}

std::unique_ptr<PostgresTestDatabase> PostgresTestDatabase::open() {
  const auto server = server_url();
  if (!server) return nullptr;
  const auto& shared = shared_database(*server);
  if (shared.failure()) {
    fail_postgres_test(*shared.failure());
    return nullptr;
  }
  auto database = std::make_unique<PostgresTestDatabase>(shared.settings());
  if (auto emptied = empty_every_table(database->pool()); !emptied) {
    fail_postgres_test("cannot empty the test database: " + emptied.error().message);
    return nullptr;
  }
  return database;
}

PostgresTestDatabase::PostgresTestDatabase(postgres::PgSettings settings)
    : work_(boost::asio::make_work_guard(io_)), thread_([this] { io_.run(); }) {
  pool_.emplace(io_.get_executor(), std::move(settings));
}

PostgresTestDatabase::~PostgresTestDatabase() {
  pool_.reset();
  work_.reset();
  io_.stop();
  thread_.join();
}

}  // namespace agentd::contract
