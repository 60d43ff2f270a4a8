#include "infrastructure/persistence/sqlite/limit_columns.h"

#include <stdexcept>

namespace agentd::sqlite {
namespace {

Statement& bind_optional_count(Statement& statement, int index,
                               const std::optional<std::int64_t>& count) {
  return count ? statement.bind(index, *count) : statement.bind(index, nullptr);
}

}  // namespace

SpendingLimits read_limits(const Statement& row, int first) {
  SpendingLimits limits;
  if (!row.is_null(first + 2)) {
    Budget budget;
    if (!row.is_null(first)) budget.max_tokens = row.integer(first);
    if (!row.is_null(first + 1)) budget.max_cost_nanos = row.integer(first + 1);
    const auto period = parse_budget_period(row.text(first + 2));
    if (!period) throw std::runtime_error("stored budget period is malformed");
    budget.period = *period;
    limits.budget = budget;
  }
  if (!row.is_null(first + 3)) limits.tokens_per_minute = row.integer(first + 3);
  return limits;
}

Statement& bind_limits(Statement& statement, int first, const SpendingLimits& limits) {
  const auto& budget = limits.budget;
  bind_optional_count(statement, first, budget ? budget->max_tokens : std::nullopt);
  bind_optional_count(statement, first + 1, budget ? budget->max_cost_nanos : std::nullopt);
  if (budget) {
    statement.bind(first + 2, to_string(budget->period));
  } else {
    statement.bind(first + 2, nullptr);
  }
  return bind_optional_count(statement, first + 3, limits.tokens_per_minute);
}

}  // namespace agentd::sqlite
