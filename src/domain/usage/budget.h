// What a key or a user may spend: tokens and/or cost per period, and tokens per minute. Periods
// are UTC calendar periods (weeks start on Monday), so every replica agrees when one resets.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "domain/common/result.h"
#include "domain/common/timestamp.h"

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

// A change of limits: an absent field is left as it is, a null one removed.
struct LimitsChange {
  std::optional<std::optional<Budget>> budget;
  std::optional<std::optional<std::int64_t>> tokens_per_minute;
};

// `limits` with `change` applied, or invalid when the result is not a valid set of limits: a
// budget limits tokens, cost or both, amounts are never negative, and tokens per minute is at
// least 1.
Result<SpendingLimits> apply(const SpendingLimits& limits, const LimitsChange& change);
Status require_valid_limits(const SpendingLimits& limits);

std::string_view to_string(BudgetPeriod period);
std::optional<BudgetPeriod> parse_budget_period(std::string_view text);

// The start of the period that holds `now` (the epoch for total).
Timestamp period_start(BudgetPeriod period, Timestamp now);
// When the period that holds `now` ends; nullopt for total, which never resets.
std::optional<Timestamp> period_end(BudgetPeriod period, Timestamp now);

}  // namespace agentd
