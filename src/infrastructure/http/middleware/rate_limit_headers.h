// Turns a rate-limit decision into X-RateLimit-* headers, or a 429 with Retry-After.
#pragma once

#include "domain/ratelimit/gcra.h"
#include "infrastructure/http/http_message.h"

namespace agentd::http {

void add_rate_limit_headers(Response& response, const RateLimitDecision& decision);
Response too_many_requests(const RateLimitDecision& decision, std::string_view what);

}  // namespace agentd::http
