// agentd's SQLite schema, one migration per step; never edit a migration once released.
#include "infrastructure/persistence/sqlite/migrations.h"

namespace agentd::sqlite {
namespace {

constexpr Migration kMigrations[] = {
    {1, "baseline", "SELECT 1"},
};

}  // namespace

std::span<const Migration> schema_migrations() { return kMigrations; }

}  // namespace agentd::sqlite
