// The four columns that hold a key's or a user's spending limits: budget_max_tokens,
// budget_max_cost_nanos, budget_period and tokens_per_minute, in that order.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "domain/usage/budget.h"
#include "infrastructure/persistence/postgres/pg_rows.h"

namespace agentd::postgres {

// The four columns' values, to pass as parameters.
struct LimitColumns {
  std::optional<std::int64_t> max_tokens;
  std::optional<std::int64_t> max_cost_nanos;
  std::optional<std::string> period;
  std::optional<std::int64_t> tokens_per_minute;
};

LimitColumns limit_columns(const SpendingLimits& limits);
// The limits in the four columns from `first` on; a budget is stored when its period is.
SpendingLimits read_limits(const PgRows& rows, int row, int first);

}  // namespace agentd::postgres
