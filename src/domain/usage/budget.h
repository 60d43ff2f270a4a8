// What a key may spend: tokens and/or cost per period, and tokens per minute. Periods are UTC
// calendar periods (weeks start on Monday), so every replica agrees when one resets.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "domain/identity/user.h"

namespace agentd {

enum class BudgetPeriod { day, week, month, total };

struct Budget {
  std::optional<std::int64_t> max_tokens;
  std::optional<std::int64_t> max_cost_nanos;  // USD × 10⁹
  BudgetPeriod period = BudgetPeriod::month;

  bool operator==(const Budget&) const = default;
};

struct SpendingLimits {
  std::optional<Budget> budget;
  std::optional<std::int64_t> tokens_per_minute;

  bool operator==(const SpendingLimits&) const = default;
  bool is_limited() const { return budget.has_value() || tokens_per_minute.has_value(); }
};

std::string_view to_string(BudgetPeriod period);
std::optional<BudgetPeriod> parse_budget_period(std::string_view text);

// The start of the period that holds `now` (the epoch for total).
Timestamp period_start(BudgetPeriod period, Timestamp now);
// When the period that holds `now` ends; nullopt for total, which never resets.
std::optional<Timestamp> period_end(BudgetPeriod period, Timestamp now);

}  // namespace agentd
