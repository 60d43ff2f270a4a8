// Reads a request body as JSON: 415 for another content type, 400 for malformed JSON.
#pragma once

#include <boost/json/value.hpp>

#include "domain/common/result.h"
#include "infrastructure/http/http_message.h"

namespace agentd::http {

Result<boost::json::value> parse_json_body(const Request& request);

// Serialises a JSON value as a response body with the given status.
Response json_response(int status, const boost::json::value& body);

}  // namespace agentd::http
