// Register, list and delete a user's webhooks, and list their delivery attempts. Only a
// person (a session) manages webhooks: like API keys, a subscription decides where the
// user's data goes, which a key restricted to some tools should not be able to change.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <optional>
#include <string>
#include <vector>

#include "application/ports/clock.h"
#include "application/ports/id_generator.h"
#include "application/ports/secret_generator.h"
#include "application/ports/secret_sealer.h"
#include "application/ports/webhook_repository.h"
#include "application/ports/webhook_transport.h"
#include "application/webhooks/webhook_settings.h"
#include "domain/identity/principal.h"

namespace agentd {

struct NewWebhook {
  std::string url;
  std::vector<std::string> events;
  std::optional<std::string> description;
};

struct CreatedWebhook {
  Webhook webhook;
  std::string secret;  // whsec_<base64>, shown to the caller this once
};

class ManageWebhooks {
 public:
  // Secrets are sealed under `sealing_key`, a server secret the database does not hold.
  ManageWebhooks(WebhookRepository& webhooks, WebhookTransport& transport,
                 const SecretGenerator& secrets, const SecretSealer& sealer,
                 std::string sealing_key, IdGenerator& ids, const Clock& clock,
                 const WebhookSettings& settings)
      : webhooks_(webhooks),
        transport_(transport),
        secrets_(secrets),
        sealer_(sealer),
        sealing_key_(std::move(sealing_key)),
        ids_(ids),
        clock_(clock),
        settings_(settings) {}

  boost::asio::awaitable<Result<CreatedWebhook>> create(const Principal& caller,
                                                        NewWebhook request);
  boost::asio::awaitable<Result<Page<Webhook>>> list(const Principal& caller, int limit,
                                                     std::optional<std::string> after);
  boost::asio::awaitable<Result<Webhook>> get(const Principal& caller, std::string webhook_id);
  boost::asio::awaitable<Status> remove(const Principal& caller, std::string webhook_id);
  boost::asio::awaitable<Result<Page<DeliveryAttempt>>> deliveries(
      const Principal& caller, std::string webhook_id, int limit, std::optional<std::string> after);

  static constexpr std::size_t kMaxUrlLength = 2048;
  static constexpr std::size_t kMaxDescriptionLength = 512;

 private:
  Status check_request(const NewWebhook& request) const;

  WebhookRepository& webhooks_;
  WebhookTransport& transport_;
  const SecretGenerator& secrets_;
  const SecretSealer& sealer_;
  std::string sealing_key_;
  IdGenerator& ids_;
  const Clock& clock_;
  const WebhookSettings& settings_;
};

}  // namespace agentd
