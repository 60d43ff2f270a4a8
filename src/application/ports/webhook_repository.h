// Storage of webhooks and of their outbox: the deliveries still to make and every attempt.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <optional>
#include <string>
#include <vector>

#include "application/ports/page.h"
#include "domain/common/result.h"
#include "domain/webhooks/webhook.h"
#include "domain/webhooks/webhook_delivery.h"

namespace agentd {

// A delivery claimed by a worker, with what it needs to send it.
struct DueDelivery {
  WebhookDelivery delivery;
  std::string url;
  std::string sealed_secret;
};

class WebhookRepository {
 public:
  virtual ~WebhookRepository() = default;

  // conflict "too_many_webhooks" when the user already has `max_per_user`: checked in the
  // same transaction, so concurrent requests cannot pass the limit together.
  virtual boost::asio::awaitable<Status> create(Webhook webhook, int max_per_user) = 0;
  // not_found "webhook_not_found" unless the webhook exists and is the user's.
  virtual boost::asio::awaitable<Result<Webhook>> find(std::string user_id,
                                                       std::string webhook_id) = 0;
  // The user's webhooks, newest first, after the cursor `after` (a webhook id) when given.
  virtual boost::asio::awaitable<Result<Page<Webhook>>> list(std::string user_id, int limit,
                                                             std::optional<std::string> after) = 0;
  // Every webhook of the user, for matching an event against.
  virtual boost::asio::awaitable<Result<std::vector<Webhook>>> all_of(std::string user_id) = 0;
  // Deletes the webhook with its deliveries and attempts; not_found as find.
  virtual boost::asio::awaitable<Status> remove(std::string user_id, std::string webhook_id) = 0;

  // Stores the deliveries of one event, all or none. A delivery of a webhook deleted
  // meanwhile is dropped.
  virtual boost::asio::awaitable<Status> enqueue(std::vector<WebhookDelivery> deliveries) = 0;
  // Up to `limit` pending deliveries due at `now`, oldest due first, each moved to be due
  // again at `lease_until` so no other worker (on any replica) claims it meanwhile.
  virtual boost::asio::awaitable<Result<std::vector<DueDelivery>>> claim_due(Timestamp now,
                                                                             Timestamp lease_until,
                                                                             int limit) = 0;
  // Stores the attempt and moves its delivery on: `status`, attempts counted, and due again at
  // attempt.next_attempt_at while pending.
  virtual boost::asio::awaitable<Status> record_attempt(DeliveryAttempt attempt,
                                                        DeliveryStatus status) = 0;
  // The attempts of the webhook (which the caller has checked is the user's), newest first.
  virtual boost::asio::awaitable<Result<Page<DeliveryAttempt>>> list_attempts(
      std::string webhook_id, int limit, std::optional<std::string> after) = 0;
  // The delivery's state (for tests and tools): not_found when there is none.
  virtual boost::asio::awaitable<Result<WebhookDelivery>> find_delivery(
      std::string delivery_id) = 0;
};

}  // namespace agentd
