// Budget counters in SQLite: one writer at a time (BEGIN IMMEDIATE) makes each reservation's
// check and its additions one atomic step.
#pragma once

#include "application/ports/budget_ledger.h"
#include "infrastructure/persistence/sqlite/pooled_database.h"

namespace agentd::sqlite {

class SqliteBudgetLedger final : public BudgetLedger {
 public:
  SqliteBudgetLedger(Database& db, BlockingPool& pool) : database_(db, pool) {}

  boost::asio::awaitable<Result<std::optional<std::size_t>>> reserve(
      std::vector<BudgetCharge> charges) override;
  boost::asio::awaitable<Status> adjust(std::vector<BudgetCharge> charges) override;
  boost::asio::awaitable<Result<BudgetSpent>> spent(std::string counter) override;
  boost::asio::awaitable<Result<std::int64_t>> purge_expired(Timestamp now) override;

 private:
  PooledDatabase database_;
};

}  // namespace agentd::sqlite
