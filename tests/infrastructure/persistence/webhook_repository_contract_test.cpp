// What every WebhookRepository adapter must do: owner-scoped webhooks, and an outbox whose
// deliveries are claimed by one worker at a time and moved on by each attempt.
#include "fakes/run_sync.h"
#include "infrastructure/persistence/identity_repository_contract.h"

namespace agentd::contract {
namespace {

using namespace std::chrono_literals;

Webhook sample_webhook(std::string id, std::string user_id) {
  return Webhook{std::move(id),
                 std::move(user_id),
                 "https://hooks.example.org/agentd",
                 {"run.completed", "approval.required"},
                 "build notifications",
                 "sealed-secret",
                 kT0};
}

WebhookDelivery sample_delivery(std::string id, std::string webhook_id, Timestamp due) {
  WebhookDelivery delivery;
  delivery.id = std::move(id);
  delivery.webhook_id = std::move(webhook_id);
  delivery.event_id = numbered("event", 1);
  delivery.event_type = "run.completed";
  delivery.data = R"({"run":{"id":"r1","status":"completed"}})";
  delivery.next_attempt_at = due;
  delivery.created_at = kT0;
  return delivery;
}

DeliveryAttempt sample_attempt(std::string id, const WebhookDelivery& delivery, int number,
                               std::optional<Timestamp> next) {
  DeliveryAttempt attempt;
  attempt.id = std::move(id);
  attempt.delivery_id = delivery.id;
  attempt.webhook_id = delivery.webhook_id;
  attempt.event_id = delivery.event_id;
  attempt.event_type = delivery.event_type;
  attempt.attempt = number;
  attempt.status_code = 500;
  attempt.error = "the receiver answered HTTP 500";
  attempt.duration_ms = 12;
  attempt.attempted_at = kT0 + std::chrono::seconds(number);
  attempt.next_attempt_at = next;
  return attempt;
}

std::vector<std::string> ids_of(const Page<Webhook>& page) {
  std::vector<std::string> ids;
  for (const auto& webhook : page.items) ids.push_back(webhook.id);
  return ids;
}

// Stores a webhook of `user_id` (a stored user), the outbox tests' start.
Webhook given_webhook(WebhookRepository& webhooks, std::string user_id) {
  auto webhook = sample_webhook(numbered("webhook", 1), std::move(user_id));
  must(run_sync(webhooks.create(webhook, 10)));
  return webhook;
}

TEST_P(WebhookRepositoryContract, CreatedWebhookIsFoundByItsOwnerOnly) {
  given_user(numbered("user", 1));
  given_user(numbered("user", 2));
  const auto webhook = sample_webhook(numbered("webhook", 1), numbered("user", 1));
  ASSERT_TRUE(run_sync(webhooks().create(webhook, 10)));

  auto found = run_sync(webhooks().find(numbered("user", 1), webhook.id));
  ASSERT_TRUE(found);
  EXPECT_EQ(*found, webhook);
  for (const auto& [user, id] : {std::pair{numbered("user", 2), webhook.id},
                                 std::pair{numbered("user", 1), numbered("webhook", 2)},
                                 std::pair{numbered("user", 1), kNotAUuid}}) {
    auto missing = run_sync(webhooks().find(user, id));
    ASSERT_FALSE(missing);
    EXPECT_EQ(missing.error().code, "webhook_not_found");
  }
}

TEST_P(WebhookRepositoryContract, WebhookWithoutDescriptionRoundTrips) {
  given_user(numbered("user", 1));
  auto webhook = sample_webhook(numbered("webhook", 1), numbered("user", 1));
  webhook.description.reset();
  ASSERT_TRUE(run_sync(webhooks().create(webhook, 10)));
  EXPECT_EQ(must(run_sync(webhooks().find(numbered("user", 1), webhook.id))), webhook);
}

TEST_P(WebhookRepositoryContract, CreateRefusesAWebhookPastTheUsersLimit) {
  given_user(numbered("user", 1));
  given_user(numbered("user", 2));
  for (int i = 1; i <= 2; ++i) {
    ASSERT_TRUE(run_sync(
        webhooks().create(sample_webhook(numbered("webhook", i), numbered("user", 1)), 2)));
  }
  auto refused =
      run_sync(webhooks().create(sample_webhook(numbered("webhook", 3), numbered("user", 1)), 2));
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().kind, ErrorCode::conflict);
  EXPECT_EQ(refused.error().code, "too_many_webhooks");
  // The limit is per user.
  EXPECT_TRUE(
      run_sync(webhooks().create(sample_webhook(numbered("webhook", 4), numbered("user", 2)), 2)));
}

TEST_P(WebhookRepositoryContract, ListPagesTheUsersWebhooksNewestFirst) {
  given_user(numbered("user", 1));
  given_user(numbered("user", 2));
  for (int i = 1; i <= 3; ++i) {
    must(run_sync(
        webhooks().create(sample_webhook(numbered("webhook", i), numbered("user", 1)), 10)));
  }
  must(
      run_sync(webhooks().create(sample_webhook(numbered("webhook", 9), numbered("user", 2)), 10)));

  auto first = run_sync(webhooks().list(numbered("user", 1), 2, std::nullopt));
  ASSERT_TRUE(first);
  EXPECT_EQ(ids_of(*first), (std::vector{numbered("webhook", 3), numbered("webhook", 2)}));
  EXPECT_TRUE(first->has_more);
  auto second = run_sync(webhooks().list(numbered("user", 1), 2, numbered("webhook", 2)));
  ASSERT_TRUE(second);
  EXPECT_EQ(ids_of(*second), (std::vector{numbered("webhook", 1)}));
  EXPECT_FALSE(second->has_more);
  // Another user's webhook is no cursor of this list.
  auto foreign = run_sync(webhooks().list(numbered("user", 1), 2, numbered("webhook", 9)));
  ASSERT_FALSE(foreign);
  EXPECT_EQ(foreign.error().code, "invalid_cursor");
  EXPECT_EQ(must(run_sync(webhooks().all_of(numbered("user", 1)))).size(), 3u);
}

TEST_P(WebhookRepositoryContract, RemoveDeletesOnlyTheOwnersWebhook) {
  given_user(numbered("user", 1));
  given_user(numbered("user", 2));
  const auto webhook = sample_webhook(numbered("webhook", 1), numbered("user", 1));
  must(run_sync(webhooks().create(webhook, 10)));

  auto foreign = run_sync(webhooks().remove(numbered("user", 2), webhook.id));
  ASSERT_FALSE(foreign);
  EXPECT_EQ(foreign.error().code, "webhook_not_found");
  ASSERT_TRUE(run_sync(webhooks().remove(numbered("user", 1), webhook.id)));
  EXPECT_FALSE(run_sync(webhooks().find(numbered("user", 1), webhook.id)));
  EXPECT_FALSE(run_sync(webhooks().remove(numbered("user", 1), webhook.id)));
}

TEST_P(WebhookRepositoryContract, OutboxDueDeliveryIsClaimedOnceUntilItsLeaseRunsOut) {
  given_user(numbered("user", 1));
  const auto webhook = given_webhook(webhooks(), numbered("user", 1));
  const auto delivery = sample_delivery(numbered("delivery", 1), webhook.id, kT0);
  ASSERT_TRUE(run_sync(webhooks().enqueue({delivery})));

  auto claimed = run_sync(webhooks().claim_due(kT0, kT0 + 60s, 10));
  ASSERT_TRUE(claimed);
  ASSERT_EQ(claimed->size(), 1u);
  EXPECT_EQ((*claimed)[0].url, webhook.url);
  EXPECT_EQ((*claimed)[0].sealed_secret, webhook.sealed_secret);
  auto expected = delivery;
  expected.next_attempt_at = kT0 + 60s;
  EXPECT_EQ((*claimed)[0].delivery, expected);

  EXPECT_TRUE(must(run_sync(webhooks().claim_due(kT0 + 59s, kT0 + 120s, 10))).empty());
  // A worker that died holding it only delayed it.
  EXPECT_EQ(must(run_sync(webhooks().claim_due(kT0 + 60s, kT0 + 120s, 10))).size(), 1u);
}

TEST_P(WebhookRepositoryContract, OutboxClaimTakesTheEarliestDueFirstAndNoneNotYetDue) {
  given_user(numbered("user", 1));
  const auto webhook = given_webhook(webhooks(), numbered("user", 1));
  ASSERT_TRUE(run_sync(
      webhooks().enqueue({sample_delivery(numbered("delivery", 1), webhook.id, kT0 + 2s),
                          sample_delivery(numbered("delivery", 2), webhook.id, kT0 + 1s),
                          sample_delivery(numbered("delivery", 3), webhook.id, kT0 + 10s)})));

  auto claimed = must(run_sync(webhooks().claim_due(kT0 + 5s, kT0 + 60s, 1)));
  ASSERT_EQ(claimed.size(), 1u);
  EXPECT_EQ(claimed[0].delivery.id, numbered("delivery", 2));
  claimed = must(run_sync(webhooks().claim_due(kT0 + 5s, kT0 + 60s, 10)));
  ASSERT_EQ(claimed.size(), 1u);
  EXPECT_EQ(claimed[0].delivery.id, numbered("delivery", 1));
}

TEST_P(WebhookRepositoryContract, OutboxAttemptsAreListedNewestFirstAndMoveTheDeliveryOn) {
  given_user(numbered("user", 1));
  const auto webhook = given_webhook(webhooks(), numbered("user", 1));
  const auto delivery = sample_delivery(numbered("delivery", 1), webhook.id, kT0);
  must(run_sync(webhooks().enqueue({delivery})));

  const auto retry = sample_attempt(numbered("attempt", 1), delivery, 1, kT0 + 30s);
  ASSERT_TRUE(run_sync(webhooks().record_attempt(retry, DeliveryStatus::pending)));
  auto pending = must(run_sync(webhooks().find_delivery(delivery.id)));
  EXPECT_EQ(pending.status, DeliveryStatus::pending);
  EXPECT_EQ(pending.attempts, 1);
  EXPECT_EQ(pending.next_attempt_at, kT0 + 30s);

  auto delivered = sample_attempt(numbered("attempt", 2), delivery, 2, std::nullopt);
  delivered.status_code = 204;
  delivered.error.reset();
  ASSERT_TRUE(run_sync(webhooks().record_attempt(delivered, DeliveryStatus::delivered)));
  auto done = must(run_sync(webhooks().find_delivery(delivery.id)));
  EXPECT_EQ(done.status, DeliveryStatus::delivered);
  EXPECT_EQ(done.attempts, 2);
  EXPECT_TRUE(must(run_sync(webhooks().claim_due(kT0 + 24h, kT0 + 25h, 10))).empty());

  auto attempts = run_sync(webhooks().list_attempts(webhook.id, 10, std::nullopt));
  ASSERT_TRUE(attempts);
  ASSERT_EQ(attempts->items.size(), 2u);
  EXPECT_EQ(attempts->items[0], delivered);
  EXPECT_EQ(attempts->items[1], retry);
  EXPECT_FALSE(attempts->has_more);
}

TEST_P(WebhookRepositoryContract, OutboxFailedDeliveryIsNeverClaimedAgain) {
  given_user(numbered("user", 1));
  const auto webhook = given_webhook(webhooks(), numbered("user", 1));
  const auto delivery = sample_delivery(numbered("delivery", 1), webhook.id, kT0);
  must(run_sync(webhooks().enqueue({delivery})));
  must(run_sync(webhooks().record_attempt(
      sample_attempt(numbered("attempt", 1), delivery, 1, std::nullopt), DeliveryStatus::failed)));
  EXPECT_EQ(must(run_sync(webhooks().find_delivery(delivery.id))).status, DeliveryStatus::failed);
  EXPECT_TRUE(must(run_sync(webhooks().claim_due(kT0 + 48h, kT0 + 49h, 10))).empty());
}

TEST_P(WebhookRepositoryContract, OutboxDeletingAWebhookDropsItsOutbox) {
  given_user(numbered("user", 1));
  const auto webhook = given_webhook(webhooks(), numbered("user", 1));
  const auto delivery = sample_delivery(numbered("delivery", 1), webhook.id, kT0);
  must(run_sync(webhooks().enqueue({delivery})));
  must(run_sync(webhooks().record_attempt(sample_attempt(numbered("attempt", 1), delivery, 1, kT0),
                                          DeliveryStatus::pending)));

  must(run_sync(webhooks().remove(numbered("user", 1), webhook.id)));
  EXPECT_TRUE(must(run_sync(webhooks().claim_due(kT0 + 1h, kT0 + 2h, 10))).empty());
  EXPECT_FALSE(run_sync(webhooks().find_delivery(delivery.id)));
  // A delivery for the webhook enqueued after it went is dropped, not an error.
  ASSERT_TRUE(
      run_sync(webhooks().enqueue({sample_delivery(numbered("delivery", 2), webhook.id, kT0)})));
  EXPECT_FALSE(run_sync(webhooks().find_delivery(numbered("delivery", 2))));
}

}  // namespace

}  // namespace agentd::contract
