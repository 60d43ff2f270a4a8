// What the key and user routes share about spending limits: reading a PATCH of limits from a
// request, and adding a budget's current period to an answer.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>
#include <string>

#include "application/usage/budget_gate.h"
#include "infrastructure/http/http_message.h"

namespace agentd::http {

// The body's "budget" and "tokens_per_minute" as a change (400 for anything else in it).
Result<LimitsChange> parse_limits_patch(const Request& request);

// With a budget in `limits`: "spent", "remaining" and "resets_at" of its current period, as
// counted for `id` in `scope`. Nothing without one.
boost::asio::awaitable<Status> add_budget_status(boost::json::object& json, BudgetGate& budgets,
                                                 BudgetScope scope, std::string id,
                                                 SpendingLimits limits);

}  // namespace agentd::http
