// Webhooks and their outbox in SQLite. One process uses the file, so a claim is one
// transaction: select the due rows, move them forward.
#pragma once

#include "application/ports/webhook_repository.h"
#include "infrastructure/persistence/sqlite/pooled_database.h"

namespace agentd::sqlite {

class SqliteWebhookRepository final : public WebhookRepository {
 public:
  SqliteWebhookRepository(Database& db, BlockingPool& pool) : database_(db, pool) {}

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
  PooledDatabase database_;
};

}  // namespace agentd::sqlite
