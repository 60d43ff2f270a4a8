#include "infrastructure/persistence/sqlite/sqlite_budget_ledger.h"

#include "infrastructure/persistence/sqlite/time_columns.h"

namespace agentd::sqlite {
namespace {

constexpr std::string_view kCounterCreate =
    "INSERT INTO budget_counters(counter, tokens, cost_nanos, expires_at) VALUES (?, 0, 0, ?) "
    "ON CONFLICT (counter) DO NOTHING";
constexpr std::string_view kCounterSelect =
    "SELECT tokens, cost_nanos FROM budget_counters WHERE counter = ?";
constexpr std::string_view kCountersPurge =
    "DELETE FROM budget_counters WHERE expires_at IS NOT NULL AND expires_at < ?";
constexpr std::string_view kCounterAdd =
    "UPDATE budget_counters SET tokens = tokens + ?, cost_nanos = cost_nanos + ? "
    "WHERE counter = ?";

BudgetSpent counter_spent(sqlite3* connection, const std::string& counter) {
  Statement select(connection, kCounterSelect);
  select.bind(1, counter);
  if (!select.step()) return {};
  return {select.integer(0), select.integer(1)};
}

void add_to_counter(sqlite3* connection, const BudgetCharge& charge) {
  Statement create(connection, kCounterCreate);
  create.bind(1, charge.counter);
  bind_time(create, 2, charge.expires_at).step();
  Statement update(connection, kCounterAdd);
  update.bind(1, charge.tokens).bind(2, charge.cost_nanos).bind(3, charge.counter).step();
}

bool charge_fits(const BudgetSpent& spent, const BudgetCharge& charge) {
  return (!charge.max_tokens || spent.tokens + charge.tokens <= *charge.max_tokens) &&
         (!charge.max_cost_nanos || spent.cost_nanos + charge.cost_nanos <= *charge.max_cost_nanos);
}

}  // namespace

boost::asio::awaitable<Result<std::optional<std::size_t>>> SqliteBudgetLedger::reserve(
    std::vector<BudgetCharge> charges) {
  co_return co_await database_.transaction(
      "reserve_budget", [&](sqlite3* connection) -> Result<std::optional<std::size_t>> {
        for (std::size_t i = 0; i < charges.size(); ++i) {
          if (!charge_fits(counter_spent(connection, charges[i].counter), charges[i])) {
            return std::optional<std::size_t>(i);
          }
        }
        for (const auto& charge : charges) add_to_counter(connection, charge);
        return std::optional<std::size_t>();
      });
}

boost::asio::awaitable<Status> SqliteBudgetLedger::adjust(std::vector<BudgetCharge> charges) {
  co_return co_await database_.transaction("adjust_budget", [&](sqlite3* connection) -> Status {
    for (const auto& charge : charges) add_to_counter(connection, charge);
    return ok_status();
  });
}

boost::asio::awaitable<Result<BudgetSpent>> SqliteBudgetLedger::spent(std::string counter) {
  co_return co_await database_.read("budget_spent",
                                    [&](sqlite3* connection) -> Result<BudgetSpent> {
                                      return counter_spent(connection, counter);
                                    });
}

boost::asio::awaitable<Result<std::int64_t>> SqliteBudgetLedger::purge_expired(Timestamp now) {
  co_return co_await database_.transaction("purge_budget_counters",
                                           [&](sqlite3* connection) -> Result<std::int64_t> {
                                             Statement purge(connection, kCountersPurge);
                                             bind_time(purge, 1, now).step();
                                             return static_cast<std::int64_t>(purge.changed_rows());
                                           });
}

}  // namespace agentd::sqlite
