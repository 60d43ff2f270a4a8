#include "application/webhooks/deliver_webhooks.h"

#include "application/common/run_bounded.h"

namespace agentd {

boost::asio::awaitable<Result<int>> DeliverWebhooks::deliver_due() {
  const auto now = clock_.now();
  auto claimed =
      co_await webhooks_.claim_due(now, now + settings_.claim_lease, settings_.claim_batch);
  if (!claimed) co_return claimed.error();
  const auto& due = *claimed;
  if (due.empty()) co_return 0;
  auto failure = co_await run_bounded(
      due.size(), due.size(),
      [&](std::size_t index) -> boost::asio::awaitable<void> { co_await attempt(due[index]); });
  if (failure) std::rethrow_exception(failure);
  co_return static_cast<int>(due.size());
}

boost::asio::awaitable<void> DeliverWebhooks::attempt(const DueDelivery& due) {
  const auto& delivery = due.delivery;
  DeliveryAttempt attempt;
  attempt.id = ids_.new_id();
  attempt.delivery_id = delivery.id;
  attempt.webhook_id = delivery.webhook_id;
  attempt.event_id = delivery.event_id;
  attempt.event_type = delivery.event_type;
  attempt.attempt = delivery.attempts + 1;
  attempt.attempted_at = clock_.now();

  WebhookPostOutcome outcome;
  auto secret = sealer_.open(due.sealed_secret, sealing_key_);
  if (secret) {
    const WebhookPost post{
        due.url,       delivery.event_id,    delivery.event_type, delivery.created_at,
        delivery.data, attempt.attempted_at, std::move(*secret)};
    const auto started = clock_.steady_now();
    outcome = co_await transport_.post(post);
    attempt.duration_ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(clock_.steady_now() - started)
            .count();
  } else {
    // Sealed under another key (the server's secret changed): no retry can succeed.
    outcome.error = "the webhook's signing secret cannot be opened with this server's key";
  }
  attempt.status_code = outcome.status_code;
  if (!outcome.is_delivered() && !outcome.error) {
    attempt.error = "the receiver answered HTTP " + std::to_string(*outcome.status_code);
  } else {
    attempt.error = outcome.error;
  }

  auto status = DeliveryStatus::delivered;
  if (!outcome.is_delivered()) {
    if (secret) {
      attempt.next_attempt_at =
          next_attempt_after(settings_.retries, delivery.created_at, clock_.now(), attempt.attempt,
                             jitter_ ? jitter_() : 0.0);
    }
    status = attempt.next_attempt_at ? DeliveryStatus::pending : DeliveryStatus::failed;
  }
  const auto label = status == DeliveryStatus::delivered ? "delivered"
                     : status == DeliveryStatus::pending ? "retrying"
                                                         : "failed";
  metrics_.webhook_delivery(label);
  // When this cannot be stored, the claim runs out and the delivery is attempted again: at
  // least once, as receivers deduplicate by webhook-id.
  static_cast<void>(co_await webhooks_.record_attempt(std::move(attempt), status));
}

}  // namespace agentd
