// A rate limiter that counts the requests it turns away, under one label per use
// ("requests" for the API's per-caller limit, "sign_in" for login and registration).
#pragma once

#include <string>

#include "application/ports/metrics.h"
#include "application/ports/rate_limiter.h"

namespace agentd {

class MeteredRateLimiter final : public RateLimiter {
 public:
  MeteredRateLimiter(RateLimiter& inner, Metrics& metrics, std::string limit)
      : inner_(inner), metrics_(metrics), limit_(std::move(limit)) {}

  boost::asio::awaitable<RateLimitDecision> acquire(std::string bucket,
                                                    int limit_per_minute) override {
    auto decision = co_await inner_.acquire(std::move(bucket), limit_per_minute);
    if (!decision.allowed && !decision.unavailable) metrics_.rate_limited(limit_);
    co_return decision;
  }

 private:
  RateLimiter& inner_;
  Metrics& metrics_;
  std::string limit_;
};

}  // namespace agentd
