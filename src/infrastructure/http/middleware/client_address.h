// The address a request came from: the socket peer, or the X-Forwarded-For hop a trusted
// proxy vouches for. Anyone else's X-Forwarded-For is ignored, so it cannot dodge limits.
#pragma once

#include <string>
#include <vector>

#include "infrastructure/http/http_message.h"

namespace agentd::http {

std::string client_address(const Request& request, const std::vector<std::string>& trusted_proxies);

}  // namespace agentd::http
