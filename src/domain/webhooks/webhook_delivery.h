// One event on its way to one webhook (a row of the outbox), and each attempt to deliver it.
//
//   pending ──> delivered   (the receiver answered 2xx)
//      └──────> failed      (still refused when the retry schedule ran out)
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "domain/identity/user.h"

namespace agentd {

enum class DeliveryStatus { pending, delivered, failed };

std::string_view to_string(DeliveryStatus status);
std::optional<DeliveryStatus> parse_delivery_status(std::string_view text);

struct WebhookDelivery {
  std::string id;
  std::string webhook_id;
  std::string event_id;  // the webhook-id header: the same on every attempt, for deduplication
  std::string event_type;
  std::string data;  // JSON text: the payload's "data"; its "timestamp" is created_at
  DeliveryStatus status = DeliveryStatus::pending;
  int attempts = 0;
  // When the next attempt is due; claiming a delivery moves it forward by the claim's
  // lease, so a worker that dies holding it only delays it.
  Timestamp next_attempt_at;
  Timestamp created_at;

  bool operator==(const WebhookDelivery&) const = default;
};

struct DeliveryAttempt {
  std::string id;
  std::string delivery_id;
  std::string webhook_id;
  std::string event_id;
  std::string event_type;
  int attempt = 1;                   // 1 for the first
  std::optional<int> status_code;    // when the receiver answered
  std::optional<std::string> error;  // when it did not, or answered non-2xx: why
  std::int64_t duration_ms = 0;
  Timestamp attempted_at;
  std::optional<Timestamp> next_attempt_at;  // none once delivered or given up

  bool operator==(const DeliveryAttempt&) const = default;
};

}  // namespace agentd
