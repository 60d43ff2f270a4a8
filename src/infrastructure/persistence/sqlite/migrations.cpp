#include "infrastructure/persistence/sqlite/migrations.h"

#include <sqlite3.h>

#include <string>

namespace agentd::sqlite {
namespace {

constexpr std::string_view kCreateMigrationsTable = R"sql(
CREATE TABLE IF NOT EXISTS schema_migrations (
  version    INTEGER PRIMARY KEY,
  name       TEXT NOT NULL,
  applied_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
))sql";

}  // namespace

int current_version(Database& db) {
  db.exec(kCreateMigrationsTable);
  return db.with([](sqlite3* connection) {
    Statement query(connection, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations");
    query.step();
    return static_cast<int>(query.integer(0));
  });
}

Result<int> migrate(Database& db, std::span<const Migration> migrations) {
  const int from = current_version(db);
  int applied = 0;
  for (const auto& migration : migrations) {
    if (migration.version <= from) continue;
    try {
      const Status done = db.transaction([&](sqlite3* connection) -> Status {
        // sqlite3_exec in Database::exec cannot run inside the locked transaction, so each
        // statement of the migration is prepared and stepped here.
        std::string_view rest = migration.sql;
        while (!rest.empty()) {
          const char* tail = nullptr;
          sqlite3_stmt* raw = nullptr;
          int rc = sqlite3_prepare_v2(connection, rest.data(), static_cast<int>(rest.size()), &raw,
                                      &tail);
          if (rc != SQLITE_OK) throw SqliteError(rc, sqlite3_errmsg(connection));
          rest.remove_prefix(static_cast<size_t>(tail - rest.data()));
          if (raw == nullptr) continue;  // whitespace or a comment
          rc = sqlite3_step(raw);
          sqlite3_finalize(raw);
          if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
            throw SqliteError(rc, sqlite3_errmsg(connection));
          }
        }
        Statement record(connection, "INSERT INTO schema_migrations(version, name) VALUES (?, ?)");
        record.bind(1, std::int64_t{migration.version}).bind(2, migration.name).step();
        return ok_status();
      });
      if (!done) return done.error();
    } catch (const SqliteError& e) {
      return Error::internal("migration " + std::to_string(migration.version) + " (" +
                             std::string(migration.name) + ") failed: " + e.what());
    }
    ++applied;
  }
  return applied;
}

}  // namespace agentd::sqlite
