// Counts requests per bucket (an API key, a user, a client address) against a per-minute rate.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <string>

#include "domain/ratelimit/gcra.h"

namespace agentd {

class RateLimiter {
 public:
  virtual ~RateLimiter() = default;
  virtual boost::asio::awaitable<RateLimitDecision> acquire(std::string bucket,
                                                            int limit_per_minute) = 0;
};

}  // namespace agentd
