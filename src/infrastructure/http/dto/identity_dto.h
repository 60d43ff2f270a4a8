// Wire shapes of User, ApiKey and token pairs. Written field by field: a password hash or a
// key hash can never reach a client by accident.
#pragma once

#include <boost/json/object.hpp>

#include "application/auth/session_tokens.h"
#include "domain/identity/api_key.h"

namespace agentd::http {

boost::json::object to_json(const User& user);
boost::json::object to_json(const ApiKey& key);
boost::json::object to_json(const TokenPair& tokens);

}  // namespace agentd::http
