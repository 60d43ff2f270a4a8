// Schema migrations embedded in the binary, applied in order and recorded in
// schema_migrations; each runs in its own transaction, so a failure changes nothing.
#pragma once

#include <span>
#include <string_view>

#include "domain/common/result.h"
#include "infrastructure/persistence/sqlite/sqlite_database.h"

namespace agentd::sqlite {

struct Migration {
  int version;
  std::string_view name;
  std::string_view sql;
};

// agentd's own schema, oldest first.
std::span<const Migration> schema_migrations();

// Applies every migration newer than the database's version. Returns how many were applied,
// or an error naming the migration that failed (the database is left as before it).
Result<int> migrate(Database& db, std::span<const Migration> migrations = schema_migrations());

// The newest applied version (0 for a fresh database).
int current_version(Database& db);

}  // namespace agentd::sqlite
