#include "application/webhooks/webhook_outbox.h"

#include <gtest/gtest.h>

#include "fakes/fake_clock.h"
#include "fakes/fake_id_generator.h"
#include "fakes/fake_webhook_repository.h"
#include "fakes/recording_metrics.h"
#include "fakes/run_sync.h"

namespace agentd {
namespace {

Webhook webhook_of(std::string id, std::string user_id, std::vector<std::string> events) {
  return Webhook{std::move(id),
                 std::move(user_id),
                 "https://hooks.example.org/",
                 std::move(events),
                 std::nullopt,
                 "sealed",
                 {}};
}

class WebhookOutboxTest : public ::testing::Test {
 protected:
  void publish(std::string user_id, std::string type, boost::json::object data) {
    run_sync([&]() -> boost::asio::awaitable<int> {
      co_await outbox_.publish(std::move(user_id), std::move(type), std::move(data));
      co_return 0;
    }());
  }

  void given(Webhook webhook) { ASSERT_TRUE(run_sync(repository_.create(std::move(webhook), 10))); }

  FakeWebhookRepository repository_;
  FakeIdGenerator ids_;
  FakeClock clock_;
  RecordingMetrics metrics_;
  std::vector<std::string> reported_;
  WebhookOutbox outbox_{repository_, ids_, clock_, metrics_,
                        [this](std::string_view type, const Error& error) {
                          reported_.push_back(std::string(type) + ": " + error.message);
                        }};
};

TEST_F(WebhookOutboxTest, AnEventBecomesOneDeliveryPerSubscribedWebhookOfTheUser) {
  given(webhook_of("w1", "alice", {"run.completed"}));
  given(webhook_of("w2", "alice", {"approval.required", "run.completed"}));
  given(webhook_of("w3", "alice", {"approval.required"}));
  given(webhook_of("w4", "bob", {"run.completed"}));

  publish("alice", "run.completed", {{"run", {{"id", "run-1"}}}});

  const auto deliveries = repository_.deliveries();
  ASSERT_EQ(deliveries.size(), 2u);
  std::vector<std::string> webhooks;
  for (const auto& delivery : deliveries) {
    webhooks.push_back(delivery.webhook_id);
    EXPECT_EQ(delivery.event_type, "run.completed");
    EXPECT_EQ(delivery.data, R"({"run":{"id":"run-1"}})");
    EXPECT_EQ(delivery.status, DeliveryStatus::pending);
    EXPECT_EQ(delivery.next_attempt_at, clock_.now());  // due at once
    EXPECT_EQ(delivery.created_at, clock_.now());
  }
  std::sort(webhooks.begin(), webhooks.end());
  EXPECT_EQ(webhooks, (std::vector<std::string>{"w1", "w2"}));
  // One event, one id for the receivers to deduplicate by, whichever webhook gets it.
  EXPECT_EQ(deliveries[0].event_id, deliveries[1].event_id);
  EXPECT_NE(deliveries[0].id, deliveries[1].id);
}

TEST_F(WebhookOutboxTest, AUserWithoutSubscribersStoresNothing) {
  given(webhook_of("w1", "alice", {"approval.required"}));
  publish("alice", "run.completed", {});
  EXPECT_TRUE(repository_.deliveries().empty());
  EXPECT_TRUE(reported_.empty());
}

TEST_F(WebhookOutboxTest, AFailureToStoreIsReportedAndCountedNeverThrown) {
  given(webhook_of("w1", "alice", {"run.completed"}));
  repository_.is_failing = true;
  EXPECT_NO_THROW(publish("alice", "run.completed", {}));
  EXPECT_EQ(reported_, (std::vector<std::string>{"run.completed: storage failed"}));
  EXPECT_EQ(metrics_.webhook_deliveries, (std::vector<std::string>{"publish_failed"}));
}

}  // namespace
}  // namespace agentd
