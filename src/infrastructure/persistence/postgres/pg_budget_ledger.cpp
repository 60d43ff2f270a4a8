#include "infrastructure/persistence/postgres/pg_budget_ledger.h"

namespace agentd::postgres {
namespace {

namespace asio = boost::asio;

constexpr std::string_view kCounterCreate =
    "INSERT INTO budget_counters(counter, tokens, cost_nanos, expires_at) VALUES ($1, 0, 0, $2) "
    "ON CONFLICT (counter) DO NOTHING";
constexpr std::string_view kCounterLock =
    "SELECT tokens, cost_nanos FROM budget_counters WHERE counter = $1 FOR UPDATE";
constexpr std::string_view kCounterAdd =
    "UPDATE budget_counters SET tokens = tokens + $1, cost_nanos = cost_nanos + $2 "
    "WHERE counter = $3";
constexpr std::string_view kCountersPurge =
    "DELETE FROM budget_counters WHERE expires_at IS NOT NULL AND expires_at < $1";
constexpr std::string_view kCounterSpent =
    "SELECT tokens, cost_nanos FROM budget_counters WHERE counter = $1";

bool charge_fits(const PgRows& rows, const BudgetCharge& charge) {
  const std::int64_t tokens = rows.empty() ? 0 : rows.integer(0, 0);
  const std::int64_t cost = rows.empty() ? 0 : rows.integer(0, 1);
  return (!charge.max_tokens || tokens + charge.tokens <= *charge.max_tokens) &&
         (!charge.max_cost_nanos || cost + charge.cost_nanos <= *charge.max_cost_nanos);
}

// The counters made if missing, then the counter_additions: one round trip.
std::vector<PgStatement> counter_additions(const std::vector<BudgetCharge>& charges) {
  std::vector<PgStatement> statements;
  for (const auto& charge : charges) {
    statements.push_back({kCounterCreate, PgParams(charge.counter, charge.expires_at)});
  }
  for (const auto& charge : charges) {
    statements.push_back({kCounterAdd, PgParams(charge.tokens, charge.cost_nanos, charge.counter)});
  }
  return statements;
}

}  // namespace

asio::awaitable<Result<std::optional<std::size_t>>> PgBudgetLedger::reserve(
    std::vector<BudgetCharge> charges) {
  co_return co_await pool_.transaction(
      "reserve_budget",
      [&](PgConnection& db) -> asio::awaitable<Result<std::optional<std::size_t>>> {
        // Made first so that there is a row to lock: two first reservations of a period
        // then take turns too.
        std::vector<PgStatement> locks;
        for (const auto& charge : charges) {
          locks.push_back({kCounterCreate, PgParams(charge.counter, charge.expires_at)});
        }
        for (const auto& charge : charges)
          locks.push_back({kCounterLock, PgParams(charge.counter)});
        const auto rows = co_await db.execute_all(locks);
        for (std::size_t i = 0; i < charges.size(); ++i) {
          if (!charge_fits(rows[charges.size() + i], charges[i])) {
            co_return std::optional<std::size_t>(i);
          }
        }
        co_await db.execute_all(counter_additions(charges));
        co_return std::optional<std::size_t>();
      });
}

asio::awaitable<Status> PgBudgetLedger::adjust(std::vector<BudgetCharge> charges) {
  if (charges.empty()) co_return ok_status();
  co_return co_await pool_.transaction("adjust_budget",
                                       [&](PgConnection& db) -> asio::awaitable<Status> {
                                         co_await db.execute_all(counter_additions(charges));
                                         co_return ok_status();
                                       });
}

asio::awaitable<Result<BudgetSpent>> PgBudgetLedger::spent(std::string counter) {
  co_return co_await pool_.read(
      "budget_spent", [&](PgConnection& db) -> asio::awaitable<Result<BudgetSpent>> {
        const auto rows = co_await db.execute(kCounterSpent, PgParams(counter));
        if (rows.empty()) co_return BudgetSpent{};
        co_return BudgetSpent{rows.integer(0, 0), rows.integer(0, 1)};
      });
}

asio::awaitable<Result<std::int64_t>> PgBudgetLedger::purge_expired(Timestamp now) {
  co_return co_await pool_.single(
      "purge_budget_counters", [&](PgConnection& db) -> asio::awaitable<Result<std::int64_t>> {
        const auto purged = co_await db.execute(kCountersPurge, PgParams(now));
        co_return static_cast<std::int64_t>(purged.affected());
      });
}

}  // namespace agentd::postgres
