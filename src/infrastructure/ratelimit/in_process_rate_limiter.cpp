#include "infrastructure/ratelimit/in_process_rate_limiter.h"

#include <chrono>
#include <functional>
#include <optional>

namespace agentd {
namespace {

// How often a shard drops its refilled buckets; memory then holds at most the buckets
// used within the last minute plus this interval.
constexpr std::int64_t kSweepIntervalUs = 1'000'000;

}  // namespace

boost::asio::awaitable<RateLimitDecision> InProcessRateLimiter::acquire(std::string bucket,
                                                                        int limit_per_minute) {
  co_return acquire_now(bucket, limit_per_minute);
}

RateLimitDecision InProcessRateLimiter::acquire_now(const std::string& bucket,
                                                    int limit_per_minute) {
  const std::int64_t now_us =
      std::chrono::duration_cast<std::chrono::microseconds>(clock_.now().time_since_epoch())
          .count();
  Shard& shard = shards_[std::hash<std::string>{}(bucket) % kShards];
  std::lock_guard lock(shard.mutex);

  if (now_us >= shard.next_sweep_us) {
    // A TAT in the past means a full bucket, the same as no entry at all.
    std::erase_if(shard.tat_us, [now_us](const auto& entry) { return entry.second <= now_us; });
    shard.next_sweep_us = now_us + kSweepIntervalUs;
  }

  auto it = shard.tat_us.find(bucket);
  const auto stored = it == shard.tat_us.end() ? std::nullopt : std::optional(it->second);
  const GcraOutcome outcome = gcra_check(stored, now_us, limit_per_minute);
  if (outcome.decision.allowed) {
    if (it == shard.tat_us.end()) {
      shard.tat_us.emplace(bucket, outcome.tat_us);
    } else {
      it->second = outcome.tat_us;
    }
  }
  return outcome.decision;
}

std::size_t InProcessRateLimiter::tracked_buckets() const {
  std::size_t count = 0;
  for (const Shard& shard : shards_) {
    std::lock_guard lock(shard.mutex);
    count += shard.tat_us.size();
  }
  return count;
}

}  // namespace agentd
