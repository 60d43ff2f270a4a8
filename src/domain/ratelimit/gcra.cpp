#include "domain/ratelimit/gcra.h"

#include <algorithm>

namespace agentd {

GcraOutcome gcra_check(std::optional<std::int64_t> tat_us, std::int64_t now_us,
                       int limit_per_minute) {
  const int limit = std::max(1, limit_per_minute);
  // One request's share of the minute; at least 1 µs, so absurd limits cannot divide by 0.
  const std::int64_t interval = std::max<std::int64_t>(1, 60'000'000 / limit);
  const std::int64_t capacity = interval * limit;  // the burst, in time
  const std::int64_t tat = std::max(tat_us.value_or(now_us), now_us);
  const std::int64_t new_tat = tat + interval;
  const std::int64_t allow_at = new_tat - capacity;

  GcraOutcome outcome;
  outcome.decision.limit = limit;
  if (now_us < allow_at) {
    outcome.decision.allowed = false;
    outcome.decision.remaining = 0;
    outcome.decision.retry_after = std::chrono::microseconds(allow_at - now_us);
    outcome.decision.reset_after = std::chrono::microseconds(tat - now_us);
    outcome.tat_us = tat_us.value_or(now_us);
    return outcome;
  }
  outcome.decision.allowed = true;
  outcome.decision.remaining = static_cast<int>((capacity - (new_tat - now_us)) / interval);
  outcome.decision.reset_after = std::chrono::microseconds(new_tat - now_us);
  outcome.tat_us = new_tat;
  return outcome;
}

std::int64_t ceil_seconds(std::chrono::microseconds duration) {
  return (duration.count() + 999'999) / 1'000'000;
}

}  // namespace agentd
