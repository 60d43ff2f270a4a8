// Budget counters in PostgreSQL, shared by every replica: a reservation locks its counters'
// rows (SELECT … FOR UPDATE), checks them and adds to them in one transaction, so concurrent
// reservations on any replica take turns.
#pragma once

#include "application/ports/budget_ledger.h"
#include "infrastructure/persistence/postgres/pg_pool.h"

namespace agentd::postgres {

class PgBudgetLedger final : public BudgetLedger {
 public:
  explicit PgBudgetLedger(PgPool& pool) : pool_(pool) {}

  boost::asio::awaitable<Result<std::optional<std::size_t>>> reserve(
      std::vector<BudgetCharge> charges) override;
  boost::asio::awaitable<Status> adjust(std::vector<BudgetCharge> charges) override;
  boost::asio::awaitable<Result<BudgetSpent>> spent(std::string counter) override;
  boost::asio::awaitable<Result<std::int64_t>> purge_expired(Timestamp now) override;

 private:
  PgPool& pool_;
};

}  // namespace agentd::postgres
