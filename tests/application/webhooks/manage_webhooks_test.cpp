#include "application/webhooks/manage_webhooks.h"

#include <gtest/gtest.h>

#include "fakes/fake_clock.h"
#include "fakes/fake_id_generator.h"
#include "fakes/fake_secret_generator.h"
#include "fakes/fake_secret_sealer.h"
#include "fakes/fake_webhook_repository.h"
#include "fakes/fake_webhook_transport.h"
#include "fakes/run_sync.h"

namespace agentd {
namespace {

Principal session_of(std::string user_id) {
  Principal principal;
  principal.user_id = std::move(user_id);
  principal.session_id = "session-1";
  return principal;
}

NewWebhook new_webhook(std::vector<std::string> events = {"run.completed"}) {
  return NewWebhook{"https://hooks.example.org/agentd", std::move(events), "deploys"};
}

class ManageWebhooksTest : public ::testing::Test {
 protected:
  ManageWebhooksTest() { settings_.max_per_user = 2; }

  FakeWebhookRepository repository_;
  FakeWebhookTransport transport_;
  FakeSecretGenerator secrets_;
  FakeSecretSealer sealer_;
  FakeIdGenerator ids_;
  FakeClock clock_;
  WebhookSettings settings_;
  ManageWebhooks webhooks_{repository_,  transport_, secrets_, sealer_,
                           "server-key", ids_,       clock_,   settings_};
  const Principal alice_ = session_of("alice");
};

TEST_F(ManageWebhooksTest, CreateAnswersTheSecretOnceAndStoresItSealed) {
  auto created = run_sync(webhooks_.create(
      alice_, new_webhook({"run.completed", "run.completed", "approval.required"})));
  ASSERT_TRUE(created);
  // A Standard Webhooks secret: "whsec_" and 24 bytes of standard base64.
  EXPECT_TRUE(created->secret.starts_with("whsec_"));
  EXPECT_EQ(created->secret.size(), 6u + 32u);
  EXPECT_EQ(created->secret.find_first_of("-_", 6), std::string::npos);
  EXPECT_EQ(created->webhook.events,
            (std::vector<std::string>{"run.completed", "approval.required"}));
  EXPECT_EQ(created->webhook.user_id, "alice");

  auto stored = run_sync(repository_.find("alice", created->webhook.id));
  ASSERT_TRUE(stored);
  EXPECT_NE(stored->sealed_secret.find(created->secret), std::string::npos);
  EXPECT_EQ(sealer_.open(stored->sealed_secret, "server-key"), created->secret);
}

TEST_F(ManageWebhooksTest, CreateRefusesBadInputWithTheFieldAtFault) {
  struct Case {
    NewWebhook request;
    std::string param;
    std::string code;
  };
  const std::vector<Case> cases = {
      {NewWebhook{"ftp://example.org/", {"run.completed"}, {}}, "url", "invalid_url"},
      {NewWebhook{"", {"run.completed"}, {}}, "url", "invalid_url"},
      {new_webhook({}), "events", "invalid_events"},
      {new_webhook({"run.completed", "run.exploded"}), "events", "unknown_event"},
      {NewWebhook{"https://example.org/", {"run.completed"}, std::string(513, 'x')}, "description",
       "invalid_description"},
  };
  for (const auto& [request, param, code] : cases) {
    auto created = run_sync(webhooks_.create(alice_, request));
    ASSERT_FALSE(created) << code;
    EXPECT_EQ(created.error().kind, ErrorCode::invalid_request) << code;
    EXPECT_EQ(created.error().param, param) << code;
    EXPECT_EQ(created.error().code, code);
  }
  EXPECT_TRUE(repository_.deliveries().empty());
}

TEST_F(ManageWebhooksTest, CreateRefusesAPrivateTargetNamingTheUrl) {
  auto created = run_sync(
      webhooks_.create(alice_, NewWebhook{"http://private.example/", {"run.completed"}, {}}));
  ASSERT_FALSE(created);
  EXPECT_EQ(created.error().kind, ErrorCode::forbidden);
  EXPECT_EQ(created.error().code, "address_not_allowed");
  EXPECT_EQ(created.error().param, "url");
}

TEST_F(ManageWebhooksTest, CreateStopsAtTheLimitPerUser) {
  ASSERT_TRUE(run_sync(webhooks_.create(alice_, new_webhook())));
  ASSERT_TRUE(run_sync(webhooks_.create(alice_, new_webhook())));
  auto third = run_sync(webhooks_.create(alice_, new_webhook()));
  ASSERT_FALSE(third);
  EXPECT_EQ(third.error().code, "too_many_webhooks");
}

TEST_F(ManageWebhooksTest, AnApiKeyCannotManageWebhooks) {
  Principal key = alice_;
  key.session_id.reset();
  key.api_key_id = "key-1";
  auto created = run_sync(webhooks_.create(key, new_webhook()));
  ASSERT_FALSE(created);
  EXPECT_EQ(created.error().kind, ErrorCode::forbidden);
  EXPECT_EQ(created.error().code, "api_key_cannot_manage_webhooks");
  EXPECT_FALSE(run_sync(webhooks_.list(key, 20, std::nullopt)));
}

TEST_F(ManageWebhooksTest, AnotherUsersWebhookIsNotFound) {
  auto created = run_sync(webhooks_.create(alice_, new_webhook()));
  ASSERT_TRUE(created);
  const auto bob = session_of("bob");
  EXPECT_EQ(run_sync(webhooks_.get(bob, created->webhook.id)).error().code, "webhook_not_found");
  EXPECT_EQ(run_sync(webhooks_.deliveries(bob, created->webhook.id, 20, std::nullopt)).error().code,
            "webhook_not_found");
  EXPECT_EQ(run_sync(webhooks_.remove(bob, created->webhook.id)).error().code, "webhook_not_found");
  EXPECT_TRUE(run_sync(webhooks_.get(alice_, created->webhook.id)));
}

}  // namespace
}  // namespace agentd
