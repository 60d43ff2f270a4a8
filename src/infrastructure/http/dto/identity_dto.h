// Wire shapes of User, ApiKey and token pairs. Written field by field: a password hash or a
// key hash can never reach a client by accident.
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <optional>

#include "application/auth/session_tokens.h"
#include "domain/identity/api_key.h"

namespace agentd::http {

boost::json::object to_json(const User& user);
boost::json::object to_json(const ApiKey& key);
boost::json::object to_json(const TokenPair& tokens);
// {"max_tokens","max_cost_usd","period"}, nulls for what it does not limit.
boost::json::object to_json(const Budget& budget);
// A budget object, or null for none; 400 invalid_budget otherwise.
Result<std::optional<Budget>> parse_budget(const boost::json::value& value);

}  // namespace agentd::http
