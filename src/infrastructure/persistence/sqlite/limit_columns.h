// The four columns that hold a key's or a user's spending limits: budget_max_tokens,
// budget_max_cost_nanos, budget_period and tokens_per_minute, in that order.
#pragma once

#include "domain/usage/budget.h"
#include "infrastructure/persistence/sqlite/sqlite_database.h"

namespace agentd::sqlite {

// The limits in the four columns from `first` on; a budget is stored when its period is.
SpendingLimits read_limits(const Statement& row, int first);
// Binds the four columns from `first` on.
Statement& bind_limits(Statement& statement, int first, const SpendingLimits& limits);

}  // namespace agentd::sqlite
