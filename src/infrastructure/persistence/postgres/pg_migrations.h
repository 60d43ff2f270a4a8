// PostgreSQL schema migrations embedded in the binary, applied in order and recorded in
// schema_migrations; each runs in its own transaction, so a failure changes nothing.
// Replicas that start together take turns: migrating holds an advisory lock.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <span>
#include <string_view>

#include "domain/common/result.h"
#include "infrastructure/persistence/postgres/pg_pool.h"
#include "infrastructure/persistence/postgres/pg_settings.h"

namespace agentd::postgres {

struct PgMigration {
  int version;
  std::string_view name;
  std::string_view sql;
};

// agentd's own schema, oldest first.
std::span<const PgMigration> schema_migrations();

// Applies every migration newer than the database's version, on a connection of its own
// without the query timeout (building an index may take long). Returns how many were
// applied, or an error naming the migration that failed.
boost::asio::awaitable<Result<int>> migrate(
    boost::asio::any_io_executor executor, PgSettings settings,
    std::span<const PgMigration> migrations = schema_migrations());

// The newest applied version (0 for a database agentd has never migrated).
boost::asio::awaitable<Result<int>> current_version(PgPool& pool);

}  // namespace agentd::postgres
