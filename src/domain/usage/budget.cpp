#include "domain/usage/budget.h"

namespace agentd {

using std::chrono::days;
using std::chrono::floor;
using std::chrono::sys_days;
using std::chrono::year_month_day;

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
