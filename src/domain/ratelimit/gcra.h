// Generic Cell Rate Algorithm: one timestamp per bucket, no burst at window edges (unlike
// fixed windows), and exact Retry-After values.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>

namespace agentd {

struct RateLimitDecision {
  bool allowed = true;
  int limit = 0;
  int remaining = 0;
  std::chrono::microseconds retry_after{0};  // when denied: wait this long before retrying
  std::chrono::microseconds reset_after{0};  // until the bucket is full again
  // The shared limiter could not be asked and fails closed: answered 503, not 429.
  bool unavailable = false;
};

struct GcraOutcome {
  RateLimitDecision decision;
  // The bucket's new theoretical arrival time; unchanged when the request was denied.
  std::int64_t tat_us = 0;
};

// `tat_us`: the bucket's stored theoretical arrival time (absent for a new bucket);
// `now_us`: the current time; `limit_per_minute`: the rate, which is also the burst.
GcraOutcome gcra_check(std::optional<std::int64_t> tat_us, std::int64_t now_us,
                       int limit_per_minute);

// Whole seconds for headers, rounded up so a client that waits that long succeeds.
std::int64_t ceil_seconds(std::chrono::microseconds duration);

}  // namespace agentd
