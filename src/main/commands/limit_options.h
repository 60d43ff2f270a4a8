// The command line's options for what a key or a user may spend: --budget-max-tokens,
// --budget-max-cost-usd, --budget-period and --tokens-per-minute.
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>
#include <optional>
#include <string>

#include "domain/usage/budget.h"

namespace agentd {

struct LimitOptions {
  std::optional<std::int64_t> budget_max_tokens;
  std::optional<double> budget_max_cost_usd;
  std::string budget_period = "month";
  std::optional<std::int64_t> tokens_per_minute;
};

// `whose` names the owner in the help text: "key" or "user".
void add_limit_options(CLI::App& command, LimitOptions& options, const std::string& whose);
// The limits the options give: a budget when a maximum is given; invalid for an unknown period.
Result<SpendingLimits> limits_from(const LimitOptions& options);

}  // namespace agentd
