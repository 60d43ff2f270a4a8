// How an LLM provider's error answers become agentd's Error: one policy for every provider.
#pragma once

#include <boost/json/object.hpp>
#include <string>
#include <string_view>

#include "domain/common/error.h"

namespace agentd::llm {

// An HTTP error answer. The client's own mistakes (400/404/409/413/422) keep the upstream's
// message, param and code; a rejected credential (401/403) says nothing of the upstream's
// message, which may quote part of the key; 429 is rate_limited; 5xx and 529 are bad_gateway.
Error upstream_http_error(int status, std::string_view body);

// A body or stream event that carries `"error":{"type","message","code"?}` despite a 200
// status, judged by its type as if it had come with the status that type stands for.
Error upstream_reported_error(const boost::json::object& body);

// The upstream answered successfully but in a shape that cannot be read.
Error invalid_upstream_response(std::string message);

}  // namespace agentd::llm
