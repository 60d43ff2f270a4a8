// Webhooks and their outbox in PostgreSQL. Replicas claim deliveries with FOR UPDATE SKIP
// LOCKED: each due row goes to one of them, and none waits on another's rows.
#pragma once

#include "application/ports/webhook_repository.h"
#include "infrastructure/persistence/postgres/pg_pool.h"

namespace agentd::postgres {

class PgWebhookRepository final : public WebhookRepository {
 public:
  explicit PgWebhookRepository(PgPool& pool) : pool_(pool) {}

  boost::asio::awaitable<Status> create(Webhook webhook, int max_per_user) override;
  boost::asio::awaitable<Result<Webhook>> find(std::string user_id,
                                               std::string webhook_id) override;
  boost::asio::awaitable<Result<Page<Webhook>>> list(std::string user_id, int limit,
                                                     std::optional<std::string> after) override;
  boost::asio::awaitable<Result<std::vector<Webhook>>> all_of(std::string user_id) override;
  boost::asio::awaitable<Status> remove(std::string user_id, std::string webhook_id) override;
  boost::asio::awaitable<Status> enqueue(std::vector<WebhookDelivery> deliveries) override;
  boost::asio::awaitable<Result<std::vector<DueDelivery>>> claim_due(Timestamp now,
                                                                     Timestamp lease_until,
                                                                     int limit) override;
  boost::asio::awaitable<Status> record_attempt(DeliveryAttempt attempt,
                                                DeliveryStatus status) override;
  boost::asio::awaitable<Result<Page<DeliveryAttempt>>> list_attempts(
      std::string webhook_id, int limit, std::optional<std::string> after) override;
  boost::asio::awaitable<Result<WebhookDelivery>> find_delivery(std::string delivery_id) override;

 private:
  PgPool& pool_;
};

}  // namespace agentd::postgres
