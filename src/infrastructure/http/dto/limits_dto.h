// Wire shapes of spending limits: a budget, tokens per minute, a change of them, and what a budget
// has spent and has left in its period. Keys and users carry the same shapes.
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <optional>

#include "application/usage/budget_gate.h"
#include "domain/usage/budget.h"

namespace agentd::http {

// {"max_tokens","max_cost_usd","period"}, nulls for what it does not limit.
boost::json::object to_json(const Budget& budget);
// A budget object, or null for none; 400 invalid_budget otherwise.
Result<std::optional<Budget>> parse_budget(const boost::json::value& value);

// Sets "budget" and "tokens_per_minute" on `json`, null for what is not limited.
void write_limits(boost::json::object& json, const SpendingLimits& limits);
// A PATCH body of limits: only "budget" and "tokens_per_minute" (400 unknown_field for any
// other), each absent to leave it, null to remove it.
Result<LimitsChange> parse_limits_change(const boost::json::object& fields);
// The same fields inside a larger body (a new key's), other fields left to the caller.
Result<LimitsChange> parse_limits_fields(const boost::json::object& fields);
// Sets "spent", "remaining" and "resets_at" on `json`.
void write_budget_status(boost::json::object& json, const BudgetStatus& status);

}  // namespace agentd::http
