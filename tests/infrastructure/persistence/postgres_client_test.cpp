// The PostgreSQL client under the repositories: migrations (idempotent, serialised between
// replicas, all or nothing), the pool's bounds (a wait for a connection and a statement both
// end in 503 database_unavailable, never a hang) and how it recovers from a failed statement.
#include <gtest/gtest.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <string>

#include "fakes/run_sync.h"
#include "infrastructure/persistence/conversation_selects.h"
#include "infrastructure/persistence/postgres/pg_migrations.h"
#include "infrastructure/persistence/postgres_test_database.h"

namespace agentd::contract {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;
using postgres::PgConnection;
using postgres::PgMigration;
using postgres::PgParams;

// A database of its own per test, named after it.
std::unique_ptr<PostgresTestDatabase> empty_database(postgres::PgSettings settings = {}) {
  const auto* test = ::testing::UnitTest::GetInstance()->current_test_info();
  std::string name = "agentd_client_" + std::to_string(::getpid()) + "_" + test->name();
  for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return PostgresTestDatabase::open_empty(name.substr(0, 63), std::move(settings));
}

int schema_version(PostgresTestDatabase& db) {
  auto version = run_sync(postgres::current_version(db.pool()));
  if (!version) throw std::runtime_error(version.error().message);
  return *version;
}

Result<int> migrate(PostgresTestDatabase& db,
                    std::span<const PgMigration> migrations = postgres::schema_migrations()) {
  return run_sync(postgres::migrate(db.executor(), db.settings(), migrations));
}

// The number of rows `sql` (a COUNT) reports, through the pool.
std::int64_t count(PostgresTestDatabase& db, std::string sql) {
  auto counted = run_sync(
      db.pool().read("count", [&](PgConnection& c) -> asio::awaitable<Result<std::int64_t>> {
        const auto rows = co_await c.execute(sql);
        co_return rows.integer(0, 0);
      }));
  if (!counted) throw std::runtime_error(counted.error().message);
  return *counted;
}

TEST(PostgresMigrations, ApplyEveryMigrationOnceAndThenNothing) {
  auto db = empty_database();
  if (!db) return;
  EXPECT_EQ(schema_version(*db), 0);

  auto first = migrate(*db);
  ASSERT_TRUE(first) << first.error().message;
  EXPECT_EQ(*first, static_cast<int>(postgres::schema_migrations().size()));
  EXPECT_EQ(schema_version(*db), postgres::schema_migrations().back().version);

  auto again = migrate(*db);
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_EQ(*again, 0);
}

TEST(PostgresMigrations, ReplicasMigratingAtOnceTakeTurns) {
  auto db = empty_database();
  if (!db) return;
  // Without the lock both would create the same tables and one would fail.
  auto both = run_sync([&]() -> asio::awaitable<std::array<Result<int>, 2>> {
    auto executor = co_await asio::this_coro::executor;
    auto one = asio::co_spawn(executor, postgres::migrate(db->executor(), db->settings()),
                              asio::use_awaitable);
    auto other = co_await postgres::migrate(db->executor(), db->settings());
    co_return std::array<Result<int>, 2>{co_await std::move(one), std::move(other)};
  }());
  ASSERT_TRUE(both[0]) << both[0].error().message;
  ASSERT_TRUE(both[1]) << both[1].error().message;
  EXPECT_EQ(*both[0] + *both[1], static_cast<int>(postgres::schema_migrations().size()));
  EXPECT_EQ(schema_version(*db), postgres::schema_migrations().back().version);
}

TEST(PostgresMigrations, AFailingMigrationChangesNothingAndIsNamed) {
  auto db = empty_database();
  if (!db) return;
  constexpr PgMigration kMigrations[] = {
      {1, "widgets", "CREATE TABLE widgets (id integer PRIMARY KEY)"},
      {2, "broken", "CREATE TABLE gadgets (id integer); SELECT no_such_function()"},
  };
  auto applied = migrate(*db, kMigrations);
  ASSERT_FALSE(applied);
  EXPECT_NE(applied.error().message.find("migration 2 (broken)"), std::string::npos)
      << applied.error().message;
  EXPECT_EQ(schema_version(*db), 1);
  EXPECT_EQ(count(*db, "SELECT COUNT(*) FROM pg_tables WHERE tablename = 'gadgets'"), 0);
}

TEST(PostgresPool, ARequestWaitingTooLongForAConnectionIsUnavailable) {
  postgres::PgSettings settings;
  settings.pool_size = 1;
  settings.acquire_timeout = 200ms;
  auto db = empty_database(settings);
  if (!db) return;
  auto outcome = run_sync([&]() -> asio::awaitable<Result<postgres::PgLease>> {
    auto held = co_await db->pool().acquire();
    if (!held) co_return held.error();
    co_return co_await db->pool().acquire();
  }());
  ASSERT_FALSE(outcome);
  EXPECT_EQ(outcome.error().kind, ErrorCode::unavailable);
  EXPECT_EQ(outcome.error().code, "database_unavailable");

  // The connection given back serves the next request.
  EXPECT_EQ(count(*db, "SELECT 1"), 1);
}

TEST(PostgresPool, AStatementPastTheQueryTimeoutIsUnavailableAndThePoolGoesOn) {
  postgres::PgSettings settings;
  settings.pool_size = 1;
  settings.query_timeout = 300ms;
  auto db = empty_database(settings);
  if (!db) return;
  const auto started = std::chrono::steady_clock::now();
  auto slow = run_sync(db->pool().read("sleep", [&](PgConnection& c) -> asio::awaitable<Status> {
    co_await c.execute("SELECT pg_sleep(5)");
    co_return ok_status();
  }));
  ASSERT_FALSE(slow);
  EXPECT_EQ(slow.error().code, "database_unavailable");
  EXPECT_LT(std::chrono::steady_clock::now() - started, 3s);
  EXPECT_EQ(count(*db, "SELECT 1"), 1);
}

TEST(PostgresPool, AnUnreachableServerIsUnavailableNotAHang) {
  postgres::PgSettings settings;
  settings.url = "postgres://agentd@127.0.0.1:1/agentd";
  settings.connect_timeout = 500ms;
  asio::io_context io;
  postgres::PgPool pool(io.get_executor(), settings);
  // The pool's sockets wait on `io`, so the test runs there.
  std::optional<Status> outcome;
  asio::co_spawn(io,
                 pool.read("probe",
                           [&](PgConnection& c) -> asio::awaitable<Status> {
                             co_await c.execute("SELECT 1");
                             co_return ok_status();
                           }),
                 [&](std::exception_ptr, Status status) { outcome = std::move(status); });
  io.run();
  ASSERT_TRUE(outcome);
  ASSERT_FALSE(*outcome);
  EXPECT_EQ(outcome->error().code, "database_unavailable");
}

TEST(PostgresPool, AFailedStatementRollsBackItsTransactionAndTheConnectionServesOn) {
  postgres::PgSettings settings;
  settings.pool_size = 1;
  auto db = empty_database(settings);
  if (!db) return;
  ASSERT_TRUE(migrate(*db));
  auto failed =
      run_sync(db->pool().transaction("bad", [&](PgConnection& c) -> asio::awaitable<Status> {
        co_await c.execute("CREATE TABLE scratch (id integer)");
        co_await c.execute("SELECT no_such_column FROM scratch");
        co_return ok_status();
      }));
  ASSERT_FALSE(failed);
  EXPECT_EQ(failed.error().kind, ErrorCode::internal);
  EXPECT_EQ(count(*db, "SELECT COUNT(*) FROM pg_tables WHERE tablename = 'scratch'"), 0);
  // The same (only) connection, reused: prepared statements it made before still work.
  EXPECT_EQ(count(*db, "SELECT 1"), 1);
  EXPECT_EQ(count(*db, "SELECT 1"), 1);
}

TEST(PostgresPool, EachStatementIsPreparedOncePerConnection) {
  postgres::PgSettings settings;
  settings.pool_size = 1;
  auto db = empty_database(settings);
  if (!db) return;
  for (int i = 0; i < 3; ++i) {
    auto found = run_sync(
        db->pool().read("probe", [&](PgConnection& c) -> asio::awaitable<Result<std::int64_t>> {
          co_await c.execute("SELECT $1::integer", PgParams(i));
          const auto prepared = co_await c.execute(
              "SELECT COUNT(*) FROM pg_prepared_statements WHERE statement = 'SELECT $1::integer'");
          co_return prepared.integer(0, 0);
        }));
    ASSERT_TRUE(found) << found.error().message;
    EXPECT_EQ(*found, 1);
  }
}

// Every list and lookup the repositories make has an index to serve it: with sequential
// scans priced out, the plan of each must look its key column up in an index (an "Index
// Cond" on it), not scan a table or a whole index and filter.
TEST(PostgresSchema, EveryListQueryIsServedByAnIndex) {
  auto db = empty_database();
  if (!db) return;
  ASSERT_TRUE(migrate(*db));
  const std::string user = "'01930000-0000-7000-8000-000000000001'";
  const std::string id = "'01930000-0000-7000-8000-000000000002'";
  const std::pair<std::string, std::string> queries[] = {
      {persistence::select_conversations("WHERE user_id = " + user + " AND id < " + id +
                                         " ORDER BY id DESC LIMIT 21"),
       "user_id"},
      {persistence::select_messages("WHERE conversation_id = " + id + " ORDER BY position"),
       "conversation_id"},
      {persistence::select_runs("WHERE conversation_id = " + id + " ORDER BY id DESC LIMIT 21"),
       "conversation_id"},
      {persistence::select_approvals("WHERE user_id = " + user + " ORDER BY id DESC LIMIT 21"),
       "user_id"},
      {persistence::select_approvals("WHERE run_id = " + id + " ORDER BY position"), "run_id"},
      {"SELECT id FROM api_keys WHERE user_id = " + user + " ORDER BY id DESC LIMIT 21", "user_id"},
      {"SELECT id FROM api_keys WHERE secret_hash = 'h'", "secret_hash"},
      {"SELECT session_id FROM refresh_tokens WHERE hash = 'h'", "hash"},
      {"SELECT id FROM sessions WHERE user_id = " + user, "user_id"},
      {"SELECT id FROM users WHERE email = 'a@example.org'", "email"},
      {"SELECT id FROM tool_executions WHERE user_id = " + user + " ORDER BY created_at",
       "user_id"},
  };
  for (const auto& [query, key] : queries) {
    auto plan = run_sync(db->pool().transaction(
        "explain", [&](PgConnection& c) -> asio::awaitable<Result<std::string>> {
          co_await c.run_script("SET LOCAL enable_seqscan = off");
          const auto rows = co_await c.execute("EXPLAIN " + query);
          std::string text;
          for (int row = 0; row < rows.size(); ++row) text += rows.text(row, 0) + "\n";
          co_return text;
        }));
    ASSERT_TRUE(plan) << plan.error().message;
    const auto condition = plan->find("Index Cond: ");
    ASSERT_NE(condition, std::string::npos) << query << "\n" << *plan;
    const auto line = plan->substr(condition, plan->find('\n', condition) - condition);
    EXPECT_NE(line.find(key), std::string::npos) << query << "\n" << *plan;
  }
}

TEST(PostgresPipeline, SendsEveryStatementAtOnceAndAnswersInOrder) {
  postgres::PgSettings settings;
  settings.pool_size = 1;
  auto db = empty_database(settings);
  if (!db) return;
  auto answers = run_sync(db->pool().read(
      "pipeline", [&](PgConnection& c) -> asio::awaitable<Result<std::vector<std::int64_t>>> {
        std::vector<postgres::PgStatement> statements;
        for (int i = 1; i <= 3; ++i) statements.push_back({"SELECT $1::integer * 10", PgParams(i)});
        statements.push_back({"SELECT 7", PgParams()});
        const auto rows = co_await c.execute_all(statements);
        std::vector<std::int64_t> values;
        for (const auto& row : rows) values.push_back(row.integer(0, 0));
        co_return values;
      }));
  ASSERT_TRUE(answers) << answers.error().message;
  EXPECT_EQ(*answers, (std::vector<std::int64_t>{10, 20, 30, 7}));
}

TEST(PostgresPipeline, AFailingStatementFailsTheTransactionAndTheConnectionServesOn) {
  postgres::PgSettings settings;
  settings.pool_size = 1;
  auto db = empty_database(settings);
  if (!db) return;
  auto pipelined = [&](std::string_view middle) {
    return run_sync(
        db->pool().transaction("pipeline", [&](PgConnection& c) -> asio::awaitable<Status> {
          std::vector<postgres::PgStatement> statements;
          statements.push_back({"CREATE TABLE IF NOT EXISTS marks (n integer)", PgParams()});
          statements.push_back({"INSERT INTO marks VALUES ($1::integer)", PgParams(1)});
          statements.push_back({middle, PgParams()});
          statements.push_back({"INSERT INTO marks VALUES ($1::integer)", PgParams(2)});
          co_await c.execute_all(statements);
          co_return ok_status();
        }));
  };
  auto failed = pipelined("SELECT no_such_column FROM marks");
  ASSERT_FALSE(failed);
  EXPECT_EQ(failed.error().kind, ErrorCode::internal);
  EXPECT_EQ(count(*db, "SELECT COUNT(*) FROM pg_tables WHERE tablename = 'marks'"), 0);

  // The same statements again, on the same connection, now all valid: all of them are done.
  auto done = pipelined("SELECT 1");
  ASSERT_TRUE(done) << done.error().message;
  EXPECT_EQ(count(*db, "SELECT COUNT(*) FROM marks"), 2);
}

}  // namespace
}  // namespace agentd::contract
