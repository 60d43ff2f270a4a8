#include "infrastructure/persistence/postgres/pg_limit_columns.h"

#include <stdexcept>

namespace agentd::postgres {

LimitColumns limit_columns(const SpendingLimits& limits) {
  LimitColumns columns;
  if (limits.budget) {
    columns.max_tokens = limits.budget->max_tokens;
    columns.max_cost_nanos = limits.budget->max_cost_nanos;
    columns.period = std::string(to_string(limits.budget->period));
  }
  columns.tokens_per_minute = limits.tokens_per_minute;
  return columns;
}

SpendingLimits read_limits(const PgRows& rows, int row, int first) {
  SpendingLimits limits;
  if (const auto period_text = rows.optional_text(row, first + 2)) {
    Budget budget;
    budget.max_tokens = rows.optional_integer(row, first);
    budget.max_cost_nanos = rows.optional_integer(row, first + 1);
    const auto period = parse_budget_period(*period_text);
    if (!period) throw std::runtime_error("stored budget period is malformed");
    budget.period = *period;
    limits.budget = budget;
  }
  limits.tokens_per_minute = rows.optional_integer(row, first + 3);
  return limits;
}

}  // namespace agentd::postgres
