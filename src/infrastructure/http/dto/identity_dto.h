// Wire shapes of User, ApiKey and token pairs. Written field by field: a password hash or a
// key hash can never reach a client by accident.
#pragma once

#include <boost/json/object.hpp>

#include "application/auth/session_tokens.h"
#include "domain/identity/api_key.h"

namespace agentd::http {

// {"id","email","name","role","created_at"}: the fixed shape of register, login and /me.
boost::json::object to_json(const User& user);
// The account as an administrator manages it: the user's fields, "object": "user",
// "disabled_at", "budget" and "tokens_per_minute".
boost::json::object to_account_json(const User& user);
boost::json::object to_json(const ApiKey& key);
boost::json::object to_json(const TokenPair& tokens);

}  // namespace agentd::http
