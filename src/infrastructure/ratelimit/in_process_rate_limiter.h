// GCRA rate limiting in this process's memory: the embedded default, exact for one replica.
#pragma once

#include <array>
#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>

#include "application/ports/clock.h"
#include "application/ports/rate_limiter.h"

namespace agentd {

class InProcessRateLimiter : public RateLimiter {
 public:
  explicit InProcessRateLimiter(const Clock& clock) : clock_(clock) {}

  boost::asio::awaitable<RateLimitDecision> acquire(std::string bucket,
                                                    int limit_per_minute) override;

  // Buckets currently held in memory; a bucket that has refilled completely is forgotten.
  std::size_t tracked_buckets() const;

 private:
  // Independent locks, so concurrent requests for different buckets rarely contend.
  static constexpr std::size_t kShards = 16;

  struct Shard {
    mutable std::mutex mutex;
    std::unordered_map<std::string, std::int64_t> tat_us;  // theoretical arrival times
    std::int64_t next_sweep_us = 0;
  };

  RateLimitDecision acquire_now(const std::string& bucket, int limit_per_minute);

  const Clock& clock_;
  std::array<Shard, kShards> shards_;
};

}  // namespace agentd
