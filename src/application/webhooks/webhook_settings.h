// What the operator decides about webhooks.
#pragma once

#include <chrono>

#include "domain/webhooks/retry_schedule.h"

namespace agentd {

struct WebhookSettings {
  int max_per_user = 10;
  RetrySchedule retries;
  // How long a claimed delivery stays with its worker before another may take it: more than
  // a delivery's timeout, so a slow receiver is not sent the same event twice at once.
  std::chrono::milliseconds claim_lease{60'000};
  int claim_batch = 16;  // deliveries claimed at once, sent concurrently
};

}  // namespace agentd
