// Usage records in PostgreSQL: one pipelined transaction per batch, sums computed by the
// database.
#pragma once

#include "application/ports/usage_repository.h"
#include "infrastructure/persistence/postgres/pg_pool.h"

namespace agentd::postgres {

class PgUsageRepository final : public UsageRepository {
 public:
  explicit PgUsageRepository(PgPool& pool) : pool_(pool) {}

  boost::asio::awaitable<Status> append(std::vector<UsageRecord> records) override;
  boost::asio::awaitable<Result<std::vector<UsageGroup>>> summarize(
      UsageFilter filter, UsageGrouping grouping) override;

 private:
  PgPool& pool_;
};

}  // namespace agentd::postgres
