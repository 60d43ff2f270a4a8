#include "infrastructure/persistence/postgres/pg_migrations.h"

#include <string>

#include "infrastructure/persistence/postgres/pg_error.h"

namespace agentd::postgres {
namespace {

namespace asio = boost::asio;

// Any fixed number; every agentd replica takes the same one.
constexpr std::string_view kTakeMigrationLock = "SELECT pg_advisory_lock(4242000015)";
constexpr std::string_view kCreateMigrationsTable = R"sql(
CREATE TABLE IF NOT EXISTS schema_migrations (
  version    integer PRIMARY KEY,
  name       text NOT NULL,
  applied_at timestamptz NOT NULL DEFAULT now()
))sql";
constexpr std::string_view kMigrated = "SELECT to_regclass('schema_migrations') IS NOT NULL";
constexpr std::string_view kNewestVersion =
    "SELECT COALESCE(MAX(version), 0) FROM schema_migrations";
constexpr std::string_view kRecord = "INSERT INTO schema_migrations(version, name) VALUES ($1, $2)";
// A migration may build an index over a large table.
constexpr std::chrono::minutes kMigrationTimeout{30};

std::string describe(const PgMigration& migration) {
  return "migration " + std::to_string(migration.version) + " (" + std::string(migration.name) +
         ")";
}

}  // namespace

asio::awaitable<Result<int>> migrate(asio::any_io_executor executor, PgSettings settings,
                                     std::span<const PgMigration> migrations) {
  settings.query_timeout = kMigrationTimeout;
  std::string failed_step = "connecting";
  std::optional<PgError> failure;
  int applied = 0;
  try {
    // The lock is the session's: closing the connection at the end releases it, whatever
    // happened.
    auto db = co_await PgConnection::open(executor, settings);
    failed_step = "waiting for the migration lock";
    co_await db->execute(kTakeMigrationLock);
    failed_step = "reading the schema version";
    co_await db->run_script(kCreateMigrationsTable);
    const auto newest = co_await db->execute(kNewestVersion);
    const auto from = newest.integer(0, 0);
    for (const auto& migration : migrations) {
      if (migration.version <= from) continue;
      failed_step = describe(migration);
      co_await db->run_script("BEGIN");
      co_await db->run_script(migration.sql);
      co_await db->execute(kRecord, PgParams(migration.version, migration.name));
      co_await db->run_script("COMMIT");
      ++applied;
    }
  } catch (const PgError& error) {
    failure = error;
  }
  if (failure) {
    auto message = failed_step + " failed: " + failure->what();
    if (failure->is_unavailable())
      co_return Error::unavailable(std::move(message), "database_unavailable");
    co_return Error::internal(std::move(message));
  }
  co_return applied;
}

asio::awaitable<Result<int>> current_version(PgPool& pool) {
  co_return co_await pool.read("schema_version",
                               [&](PgConnection& db) -> asio::awaitable<Result<int>> {
                                 const auto migrated = co_await db.execute(kMigrated);
                                 if (!migrated.boolean(0, 0)) co_return 0;
                                 const auto newest = co_await db.execute(kNewestVersion);
                                 co_return static_cast<int>(newest.integer(0, 0));
                               });
}

}  // namespace agentd::postgres
