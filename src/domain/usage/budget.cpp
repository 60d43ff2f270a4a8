#include "domain/usage/budget.h"

namespace agentd {

using std::chrono::days;
using std::chrono::floor;
using std::chrono::sys_days;
using std::chrono::year_month_day;

Status require_valid_limits(const SpendingLimits& limits) {
  if (const auto& budget = limits.budget) {
    if (!budget->max_tokens && !budget->max_cost_nanos) {
      return Error::invalid("a budget needs max_tokens, max_cost_usd or both", "budget",
                            "invalid_budget");
    }
    if ((budget->max_tokens && *budget->max_tokens < 0) ||
        (budget->max_cost_nanos && *budget->max_cost_nanos < 0)) {
      return Error::invalid("a budget's amounts cannot be negative", "budget", "invalid_budget");
    }
  }
  if (limits.tokens_per_minute && *limits.tokens_per_minute < 1) {
    return Error::invalid("tokens_per_minute must be at least 1", "tokens_per_minute",
                          "invalid_tokens_per_minute");
  }
  return ok_status();
}

Result<SpendingLimits> apply(const SpendingLimits& limits, const LimitsChange& change) {
  SpendingLimits changed = limits;
  if (change.budget) changed.budget = *change.budget;
  if (change.tokens_per_minute) changed.tokens_per_minute = *change.tokens_per_minute;
  if (auto valid = require_valid_limits(changed); !valid) return valid.error();
  return changed;
}

std::string_view to_string(BudgetPeriod period) {
  switch (period) {
    case BudgetPeriod::day:
      return "day";
    case BudgetPeriod::week:
      return "week";
    case BudgetPeriod::month:
      return "month";
    case BudgetPeriod::total:
      return "total";
  }
  return "total";
}

std::optional<BudgetPeriod> parse_budget_period(std::string_view text) {
  for (auto period :
       {BudgetPeriod::day, BudgetPeriod::week, BudgetPeriod::month, BudgetPeriod::total}) {
    if (to_string(period) == text) return period;
  }
  return std::nullopt;
}

Timestamp period_start(BudgetPeriod period, Timestamp now) {
  const auto today = floor<days>(now);
  switch (period) {
    case BudgetPeriod::day:
      return today;
    case BudgetPeriod::week: {
      // ISO weeks start on Monday.
      const std::chrono::weekday weekday{today};
      return today - (weekday - std::chrono::Monday);
    }
    case BudgetPeriod::month: {
      const year_month_day date{today};
      return sys_days{date.year() / date.month() / 1};
    }
    case BudgetPeriod::total:
      return Timestamp{};
  }
  return Timestamp{};
}

std::optional<Timestamp> period_end(BudgetPeriod period, Timestamp now) {
  const auto start = floor<days>(period_start(period, now));
  switch (period) {
    case BudgetPeriod::day:
      return start + days{1};
    case BudgetPeriod::week:
      return start + days{7};
    case BudgetPeriod::month: {
      const year_month_day first{start};
      return sys_days{(first.year() / first.month() + std::chrono::months{1}) / 1};
    }
    case BudgetPeriod::total:
      return std::nullopt;
  }
  return std::nullopt;
}

}  // namespace agentd
