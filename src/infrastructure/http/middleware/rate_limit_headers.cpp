#include "infrastructure/http/middleware/rate_limit_headers.h"

#include <algorithm>
#include <string>

#include "infrastructure/http/error_response.h"

namespace agentd::http {

void add_rate_limit_headers(Response& response, const RateLimitDecision& decision) {
  response.set_header("X-RateLimit-Limit", std::to_string(decision.limit));
  response.set_header("X-RateLimit-Remaining", std::to_string(decision.remaining));
  response.set_header("X-RateLimit-Reset", std::to_string(ceil_seconds(decision.reset_after)));
}

Response too_many_requests(const RateLimitDecision& decision, std::string_view what) {
  // A shared limiter that could not be asked and fails closed: no limit was exceeded, so not
  // 429 but 503, and no X-RateLimit-* headers, which would be made up.
  if (decision.unavailable) {
    auto response = error_response(Error::unavailable(
        "the rate limit for " + std::string(what) + " cannot be checked right now; retry after 1 s",
        "rate_limiter_unavailable"));
    response.set_header("Retry-After", "1");
    return response;
  }
  const auto retry_after = std::max<std::int64_t>(1, ceil_seconds(decision.retry_after));
  auto response = error_response({ErrorCode::rate_limited,
                                  "rate limit exceeded for " + std::string(what) +
                                      "; retry after " + std::to_string(retry_after) + " s",
                                  {},
                                  "rate_limit_exceeded"});
  add_rate_limit_headers(response, decision);
  response.set_header("Retry-After", std::to_string(retry_after));
  return response;
}

}  // namespace agentd::http
