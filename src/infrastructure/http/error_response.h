// Maps the error vocabulary to HTTP once: status, OpenAI error type, and body.
#pragma once

#include <boost/json/object.hpp>
#include <string_view>

#include "domain/common/error.h"
#include "infrastructure/http/http_message.h"

namespace agentd::http {

int status_for(ErrorCode code);
std::string_view error_type_for(ErrorCode code);

// {"error":{"message","type","param","code"}}, e.g. for a final event of a stream.
boost::json::object error_json(const Error& error);

// That body with the status that belongs to the error.
Response error_response(const Error& error);

}  // namespace agentd::http
