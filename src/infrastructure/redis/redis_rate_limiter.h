// GCRA rate limiting in Redis: every replica asks the same bucket, so N replicas share one
// limit. The decisions are those of the in-process limiter (domain/ratelimit/gcra.h).
#pragma once

#include <atomic>
#include <boost/asio/awaitable.hpp>
#include <cstdint>
#include <string>

#include "application/ports/rate_limiter.h"
#include "domain/common/result.h"
#include "infrastructure/redis/redis_script.h"

namespace agentd::redis {

// What a request gets when Redis cannot be asked.
enum class FailPolicy {
  closed,  // refused as unavailable (503)
  open,    // allowed, with a warning in the log and a count the server reports
};

class RedisRateLimiter final : public RateLimiter {
 public:
  // Buckets are kept under `key_prefix` + bucket, e.g. "agentd:rl:" + "key:42".
  RedisRateLimiter(RedisClient& client, std::string key_prefix, FailPolicy fail_policy);

  boost::asio::awaitable<RateLimitDecision> acquire(std::string bucket,
                                                    int limit_per_minute) override;

  // Requests let through because Redis could not be asked (FailPolicy::open).
  std::uint64_t fail_open_count() const { return fail_open_count_.load(); }

 private:
  RateLimitDecision decide_without_redis(const Error& error, int limit_per_minute);

  std::string key_prefix_;
  FailPolicy fail_policy_;
  RedisScript script_;
  std::atomic<std::uint64_t> fail_open_count_{0};
  // The outage warning is logged at most once per interval, with the failures since the last.
  std::atomic<std::int64_t> next_warning_ms_{0};  // steady time, in ms
  std::atomic<std::uint64_t> failures_since_warning_{0};
};

}  // namespace agentd::redis
