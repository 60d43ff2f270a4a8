#include "application/webhooks/deliver_webhooks.h"

#include <gtest/gtest.h>

#include "application/webhooks/webhook_outbox.h"
#include "fakes/fake_clock.h"
#include "fakes/fake_id_generator.h"
#include "fakes/fake_secret_sealer.h"
#include "fakes/fake_webhook_repository.h"
#include "fakes/fake_webhook_transport.h"
#include "fakes/recording_metrics.h"
#include "fakes/run_sync.h"

namespace agentd {
namespace {

using namespace std::chrono_literals;

class DeliverWebhooksTest : public ::testing::Test {
 protected:
  DeliverWebhooksTest() {
    settings_.retries = RetrySchedule{30s, 1h, 24h};
    settings_.claim_lease = 5min;
    auto created = run_sync(repository_.create(Webhook{"w1",
                                                       "alice",
                                                       "https://hooks.example.org/agentd",
                                                       {"run.completed"},
                                                       std::nullopt,
                                                       sealer_.seal("whsec_c2VjcmV0", "server-key"),
                                                       clock_.now()},
                                               10));
    if (!created) throw std::runtime_error(created.error().message);
    event_time_ = clock_.now();
    run_sync([&]() -> boost::asio::awaitable<int> {
      std::string user = "alice";
      std::string type = "run.completed";
      boost::json::object data{{"run", "r1"}};
      co_await outbox_.publish(std::move(user), std::move(type), std::move(data));
      co_return 0;
    }());
  }

  int deliver_due() {
    auto claimed = run_sync(deliver_.deliver_due());
    if (!claimed) throw std::runtime_error(claimed.error().message);
    return *claimed;
  }

  FakeWebhookRepository repository_;
  FakeWebhookTransport transport_;
  FakeSecretSealer sealer_;
  FakeIdGenerator ids_;
  FakeClock clock_;
  RecordingMetrics metrics_;
  WebhookSettings settings_;
  WebhookOutbox outbox_{repository_, ids_, clock_, metrics_, {}};
  DeliverWebhooks deliver_{repository_, transport_, sealer_,  "server-key",      ids_,
                           clock_,      settings_,  metrics_, [] { return 0.0; }};
  Timestamp event_time_;
};

TEST_F(DeliverWebhooksTest, ADueDeliveryIsPostedSignedWithTheOpenedSecret) {
  clock_.advance(2s);
  EXPECT_EQ(deliver_due(), 1);

  ASSERT_EQ(transport_.posts.size(), 1u);
  const auto& post = transport_.posts[0];
  EXPECT_EQ(post.url, "https://hooks.example.org/agentd");
  EXPECT_EQ(post.secret, "whsec_c2VjcmV0");
  EXPECT_EQ(post.event_type, "run.completed");
  EXPECT_EQ(post.data, R"({"run":"r1"})");
  EXPECT_EQ(post.event_time, event_time_);
  EXPECT_EQ(post.sent_at, clock_.now());
  const auto delivery = repository_.deliveries().at(0);
  EXPECT_EQ(post.message_id, delivery.event_id);
  EXPECT_EQ(delivery.status, DeliveryStatus::delivered);

  ASSERT_EQ(repository_.attempts.size(), 1u);
  EXPECT_EQ(repository_.attempts[0].attempt, 1);
  EXPECT_EQ(repository_.attempts[0].status_code, 204);
  EXPECT_EQ(repository_.attempts[0].error, std::nullopt);
  EXPECT_EQ(repository_.attempts[0].next_attempt_at, std::nullopt);
  EXPECT_EQ(metrics_.webhook_deliveries, (std::vector<std::string>{"delivered"}));
  EXPECT_EQ(deliver_due(), 0);  // nothing left
}

TEST_F(DeliverWebhooksTest, ARefusedDeliveryIsRetriedWithBackoffUntilItSucceeds) {
  transport_.outcomes = {WebhookPostOutcome{500, std::nullopt},
                         WebhookPostOutcome{std::nullopt, "connection refused"}};
  EXPECT_EQ(deliver_due(), 1);
  ASSERT_EQ(repository_.attempts.size(), 1u);
  EXPECT_EQ(repository_.attempts[0].error, "the receiver answered HTTP 500");
  EXPECT_EQ(repository_.attempts[0].next_attempt_at, clock_.now() + 30s);

  clock_.advance(29s);
  EXPECT_EQ(deliver_due(), 0);  // not due yet
  clock_.advance(1s);
  EXPECT_EQ(deliver_due(), 1);
  ASSERT_EQ(repository_.attempts.size(), 2u);
  EXPECT_EQ(repository_.attempts[1].attempt, 2);
  EXPECT_EQ(repository_.attempts[1].status_code, std::nullopt);
  EXPECT_EQ(repository_.attempts[1].error, "connection refused");
  EXPECT_EQ(repository_.attempts[1].next_attempt_at, clock_.now() + 60s);

  clock_.advance(60s);
  EXPECT_EQ(deliver_due(), 1);
  EXPECT_EQ(repository_.deliveries().at(0).status, DeliveryStatus::delivered);
  EXPECT_EQ(repository_.deliveries().at(0).attempts, 3);
  // Every attempt carries the same webhook-id: the receiver sees one event.
  EXPECT_EQ(transport_.posts[0].message_id, transport_.posts[2].message_id);
  EXPECT_EQ(metrics_.webhook_deliveries,
            (std::vector<std::string>{"retrying", "retrying", "delivered"}));
}

TEST_F(DeliverWebhooksTest, ADeliveryStillRefusedAfterADayHasFailed) {
  for (int i = 0; i < 40; ++i) transport_.outcomes.push_back(WebhookPostOutcome{503, std::nullopt});
  while (repository_.deliveries().at(0).status == DeliveryStatus::pending) {
    clock_.set(std::max(clock_.now(), repository_.deliveries().at(0).next_attempt_at));
    ASSERT_EQ(deliver_due(), 1);
  }
  EXPECT_EQ(repository_.deliveries().at(0).status, DeliveryStatus::failed);
  EXPECT_EQ(repository_.attempts.size(), 30u);
  EXPECT_EQ(repository_.attempts.back().next_attempt_at, std::nullopt);
  EXPECT_LE(repository_.attempts.back().attempted_at, event_time_ + 24h);
  EXPECT_EQ(metrics_.webhook_deliveries.back(), "failed");
}

TEST_F(DeliverWebhooksTest, ASecretThatCannotBeOpenedFailsWithoutSending) {
  DeliverWebhooks other_key{repository_, transport_, sealer_,  "another-key",     ids_,
                            clock_,      settings_,  metrics_, [] { return 0.0; }};
  ASSERT_TRUE(run_sync(other_key.deliver_due()));
  EXPECT_TRUE(transport_.posts.empty());
  EXPECT_EQ(repository_.deliveries().at(0).status, DeliveryStatus::failed);
  ASSERT_EQ(repository_.attempts.size(), 1u);
  EXPECT_NE(repository_.attempts[0].error->find("cannot be opened"), std::string::npos);
}

}  // namespace
}  // namespace agentd
