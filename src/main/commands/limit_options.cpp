#include "main/commands/limit_options.h"

#include <cmath>

#include "domain/usage/model_price.h"

namespace agentd {

void add_limit_options(CLI::App& command, LimitOptions& options, const std::string& whose) {
  command.add_option("--budget-max-tokens", options.budget_max_tokens,
                     "the tokens the " + whose + " may use in each budget period");
  command.add_option(
      "--budget-max-cost-usd", options.budget_max_cost_usd,
      "the cost (USD, from the models' prices) the " + whose + " may run up in each period");
  command.add_option("--budget-period", options.budget_period, "day, week, month or total")
      ->capture_default_str();
  command.add_option("--tokens-per-minute", options.tokens_per_minute,
                     "the tokens the " + whose + " may use in any one minute");
}

Result<SpendingLimits> limits_from(const LimitOptions& options) {
  SpendingLimits limits;
  if (options.budget_max_tokens || options.budget_max_cost_usd) {
    Budget budget;
    budget.max_tokens = options.budget_max_tokens;
    if (options.budget_max_cost_usd) {
      budget.max_cost_nanos = std::llround(*options.budget_max_cost_usd * kNanosPerUsd);
    }
    const auto period = parse_budget_period(options.budget_period);
    if (!period) {
      return Error::invalid("--budget-period: expected day, week, month or total", "budget",
                            "invalid_budget");
    }
    budget.period = *period;
    limits.budget = budget;
  }
  limits.tokens_per_minute = options.tokens_per_minute;
  return limits;
}

}  // namespace agentd
