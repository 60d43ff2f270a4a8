// Usage records in SQLite: one transaction per batch, sums computed by the database.
#pragma once

#include "application/ports/usage_repository.h"
#include "infrastructure/persistence/sqlite/pooled_database.h"

namespace agentd::sqlite {

class SqliteUsageRepository final : public UsageRepository {
 public:
  SqliteUsageRepository(Database& db, BlockingPool& pool) : database_(db, pool) {}

  boost::asio::awaitable<Status> append(std::vector<UsageRecord> records) override;
  boost::asio::awaitable<Result<std::vector<UsageGroup>>> summarize(
      UsageFilter filter, UsageGrouping grouping) override;

 private:
  PooledDatabase database_;
};

}  // namespace agentd::sqlite
