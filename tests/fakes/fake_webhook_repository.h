// A WebhookRepository in memory, with the adapters' rules (owner scoping, the per-user limit,
// claims that move a delivery forward), and a switch that makes every write fail.
#pragma once

#include <algorithm>
#include <map>
#include <mutex>

#include "application/ports/webhook_repository.h"

namespace agentd {

class FakeWebhookRepository final : public WebhookRepository {
 public:
  boost::asio::awaitable<Status> create(Webhook webhook, int max_per_user) override {
    std::lock_guard lock(mutex_);
    const auto owned = std::count_if(webhooks_.begin(), webhooks_.end(), [&](const auto& entry) {
      return entry.second.user_id == webhook.user_id;
    });
    if (owned >= max_per_user) {
      co_return Error{ErrorCode::conflict, "too many webhooks", {}, "too_many_webhooks"};
    }
    webhooks_[webhook.id] = webhook;
    co_return ok_status();
  }
  boost::asio::awaitable<Result<Webhook>> find(std::string user_id,
                                               std::string webhook_id) override {
    std::lock_guard lock(mutex_);
    auto found = webhooks_.find(webhook_id);
    if (found == webhooks_.end() || found->second.user_id != user_id) co_return not_found();
    co_return found->second;
  }
  boost::asio::awaitable<Result<Page<Webhook>>> list(std::string user_id, int limit,
                                                     std::optional<std::string> after) override {
    std::vector<Webhook> listed = co_await all_of_now(user_id);
    std::reverse(listed.begin(), listed.end());
    co_return page_after(std::move(listed), limit, after,
                         [](const Webhook& webhook) { return webhook.id; });
  }
  boost::asio::awaitable<Result<std::vector<Webhook>>> all_of(std::string user_id) override {
    co_return co_await all_of_now(user_id);
  }
  boost::asio::awaitable<Status> remove(std::string user_id, std::string webhook_id) override {
    std::lock_guard lock(mutex_);
    auto found = webhooks_.find(webhook_id);
    if (found == webhooks_.end() || found->second.user_id != user_id) co_return not_found();
    webhooks_.erase(found);
    std::erase_if(deliveries_,
                  [&](const auto& entry) { return entry.second.webhook_id == webhook_id; });
    co_return ok_status();
  }
  boost::asio::awaitable<Status> enqueue(std::vector<WebhookDelivery> deliveries) override {
    std::lock_guard lock(mutex_);
    if (is_failing) co_return Error::internal("storage failed");
    for (auto& delivery : deliveries) {
      if (webhooks_.contains(delivery.webhook_id)) deliveries_[delivery.id] = std::move(delivery);
    }
    co_return ok_status();
  }
  boost::asio::awaitable<Result<std::vector<DueDelivery>>> claim_due(Timestamp now,
                                                                     Timestamp lease_until,
                                                                     int limit) override {
    std::lock_guard lock(mutex_);
    std::vector<DueDelivery> due;
    for (auto& [id, delivery] : deliveries_) {
      if (static_cast<int>(due.size()) == limit) break;
      if (delivery.status != DeliveryStatus::pending || delivery.next_attempt_at > now) continue;
      delivery.next_attempt_at = lease_until;
      const auto& webhook = webhooks_.at(delivery.webhook_id);
      due.push_back(DueDelivery{delivery, webhook.url, webhook.sealed_secret});
    }
    co_return due;
  }
  boost::asio::awaitable<Status> record_attempt(DeliveryAttempt attempt,
                                                DeliveryStatus status) override {
    std::lock_guard lock(mutex_);
    auto& delivery = deliveries_.at(attempt.delivery_id);
    delivery.status = status;
    delivery.attempts = std::max(delivery.attempts, attempt.attempt);
    if (attempt.next_attempt_at) delivery.next_attempt_at = *attempt.next_attempt_at;
    attempts.push_back(std::move(attempt));
    co_return ok_status();
  }
  boost::asio::awaitable<Result<Page<DeliveryAttempt>>> list_attempts(
      std::string webhook_id, int limit, std::optional<std::string> after) override {
    std::lock_guard lock(mutex_);
    std::vector<DeliveryAttempt> listed;
    for (auto it = attempts.rbegin(); it != attempts.rend(); ++it) {
      if (it->webhook_id == webhook_id) listed.push_back(*it);
    }
    co_return page_after(std::move(listed), limit, after,
                         [](const DeliveryAttempt& attempt) { return attempt.id; });
  }
  boost::asio::awaitable<Result<WebhookDelivery>> find_delivery(std::string delivery_id) override {
    std::lock_guard lock(mutex_);
    auto found = deliveries_.find(delivery_id);
    if (found == deliveries_.end()) co_return Error::not_found("no delivery");
    co_return found->second;
  }

  // Every delivery stored, in id order.
  std::vector<WebhookDelivery> deliveries() const {
    std::lock_guard lock(mutex_);
    std::vector<WebhookDelivery> all;
    for (const auto& [id, delivery] : deliveries_) all.push_back(delivery);
    return all;
  }

  bool is_failing = false;                // enqueue fails, as a database that is down does
  std::vector<DeliveryAttempt> attempts;  // in the order recorded

 private:
  static Error not_found() { return Error::not_found("webhook not found", "webhook_not_found"); }
  boost::asio::awaitable<std::vector<Webhook>> all_of_now(const std::string& user_id) {
    std::lock_guard lock(mutex_);
    std::vector<Webhook> owned;
    for (const auto& [id, webhook] : webhooks_) {
      if (webhook.user_id == user_id) owned.push_back(webhook);
    }
    co_return owned;
  }

  mutable std::mutex mutex_;
  std::map<std::string, Webhook> webhooks_;
  std::map<std::string, WebhookDelivery> deliveries_;
};

}  // namespace agentd
