#include "domain/webhooks/retry_schedule.h"

#include <algorithm>

namespace agentd {

std::chrono::milliseconds retry_delay(const RetrySchedule& schedule, int failed_attempts,
                                      double jitter) {
  auto delay = schedule.first_delay;
  // Doubling stops at the cap, so no count of failures overflows.
  for (int failure = 1; failure < failed_attempts && delay < schedule.max_delay; ++failure) {
    delay *= 2;
  }
  delay = std::min(delay, schedule.max_delay);
  const double spread = std::clamp(jitter, 0.0, 1.0) * 0.2;
  return delay + std::chrono::milliseconds(
                     static_cast<std::int64_t>(static_cast<double>(delay.count()) * spread));
}

std::optional<Timestamp> next_attempt_after(const RetrySchedule& schedule, Timestamp event_time,
                                            Timestamp now, int failed_attempts, double jitter) {
  const auto next = now + retry_delay(schedule, failed_attempts, jitter);
  if (next > event_time + schedule.give_up_after) return std::nullopt;
  return next;
}

}  // namespace agentd
