// A response's status line and header fields as they go on the wire.
#pragma once

#include <string>
#include <string_view>

#include "infrastructure/http/http_message.h"

namespace agentd::http {

// Everything before the body, blank line included. `framing` is the header field (with its
// CRLF) that tells where the body ends: a Content-Length, chunked transfer, or nothing for
// the statuses that have no body.
enum class KeepAlive { no, yes };

std::string response_head(const Response& response, unsigned version, KeepAlive keep_alive,
                          std::string_view framing);

}  // namespace agentd::http
