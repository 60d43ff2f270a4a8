#include "application/webhooks/webhook_outbox.h"

#include <boost/json/serialize.hpp>
#include <exception>

namespace agentd {

boost::asio::awaitable<void> WebhookOutbox::publish(std::string user_id, std::string event_type,
                                                    boost::json::object data) {
  Status stored = ok_status();
  try {
    stored = co_await store(user_id, event_type, data);
  } catch (const std::exception& failure) {
    // The port promises its callers (runs) that publishing never fails them.
    stored = Error::internal(failure.what());
  }
  if (!stored) {
    metrics_.webhook_delivery("publish_failed");
    if (report_) report_(event_type, stored.error());
  }
}

boost::asio::awaitable<Status> WebhookOutbox::store(const std::string& user_id,
                                                    const std::string& event_type,
                                                    const boost::json::object& data) {
  if (!is_webhook_event_type(event_type)) {
    co_return Error::internal("unknown webhook event type '" + event_type + "'");
  }
  auto webhooks = co_await webhooks_.all_of(user_id);
  if (!webhooks) co_return webhooks.error();
  std::vector<WebhookDelivery> deliveries;
  const auto now = clock_.now();
  const auto event_id = ids_.new_id();
  const auto text = boost::json::serialize(data);
  for (const auto& webhook : *webhooks) {
    if (!webhook.is_subscribed_to(event_type)) continue;
    WebhookDelivery delivery;
    delivery.id = ids_.new_id();
    delivery.webhook_id = webhook.id;
    delivery.event_id = event_id;
    delivery.event_type = event_type;
    delivery.data = text;
    delivery.next_attempt_at = now;
    delivery.created_at = now;
    deliveries.push_back(std::move(delivery));
  }
  if (deliveries.empty()) co_return ok_status();
  co_return co_await webhooks_.enqueue(std::move(deliveries));
}

}  // namespace agentd
