// When a refused webhook delivery is tried again: exponential backoff with jitter, so a
// receiver that was down is not hit by every delivery at the same instant when it returns,
// until a day has passed since the event.
#pragma once

#include <chrono>
#include <optional>

#include "domain/identity/user.h"

namespace agentd {

struct RetrySchedule {
  std::chrono::milliseconds first_delay{30'000};  // after the first failed attempt
  std::chrono::milliseconds max_delay{3'600'000};
  std::chrono::milliseconds give_up_after{std::chrono::hours(24)};  // counted from the event
};

// The wait after `failed_attempts` (at least 1) failures: first_delay doubled per earlier
// failure, capped at max_delay, plus up to a fifth more by `jitter` (in [0, 1)).
std::chrono::milliseconds retry_delay(const RetrySchedule& schedule, int failed_attempts,
                                      double jitter);

// When to try again after a failure at `now`, or nothing when that would fall past the
// schedule's end (the delivery has failed for good).
std::optional<Timestamp> next_attempt_after(const RetrySchedule& schedule, Timestamp event_time,
                                            Timestamp now, int failed_attempts, double jitter);

}  // namespace agentd
