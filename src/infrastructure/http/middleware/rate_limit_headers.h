// Turns a rate-limit decision into X-RateLimit-* headers, or a refusal with Retry-After: 429
// when the limit is reached, 503 rate_limiter_unavailable when the shared limiter is down.
#pragma once

#include "domain/ratelimit/gcra.h"
#include "infrastructure/http/http_message.h"

namespace agentd::http {

void add_rate_limit_headers(Response& response, const RateLimitDecision& decision);
Response too_many_requests(const RateLimitDecision& decision, std::string_view what);

}  // namespace agentd::http
