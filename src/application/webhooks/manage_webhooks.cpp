#include "application/webhooks/manage_webhooks.h"

#include <algorithm>

namespace agentd {
namespace {

Status require_person(const Principal& caller) {
  if (caller.is_api_key()) {
    return Error{ErrorCode::forbidden,
                 "webhooks are managed with a user session; an API key cannot manage them",
                 {},
                 "api_key_cannot_manage_webhooks"};
  }
  return ok_status();
}

// Standard Webhooks secrets are "whsec_" and standard base64. 24 random bytes make 32
// base64url characters without padding, which differ from standard base64 only in two letters.
std::string standard_webhooks_secret(const SecretGenerator& secrets) {
  auto token = secrets.random_token(24);
  std::replace(token.begin(), token.end(), '-', '+');
  std::replace(token.begin(), token.end(), '_', '/');
  return "whsec_" + token;
}

}  // namespace

Status ManageWebhooks::check_request(const NewWebhook& request) const {
  if (request.url.empty() || request.url.size() > kMaxUrlLength) {
    return Error::invalid("url must be an http or https URL of at most 2048 characters", "url",
                          "invalid_url");
  }
  if (request.events.empty()) {
    return Error::invalid("events must name at least one event type", "events", "invalid_events");
  }
  for (const auto& event : request.events) {
    if (!is_webhook_event_type(event)) {
      std::string known;
      for (auto type : webhook_event_types())
        known += (known.empty() ? "" : ", ") + std::string(type);
      return Error::invalid("unknown event type '" + event + "'; known: " + known, "events",
                            "unknown_event");
    }
  }
  if (request.description && request.description->size() > kMaxDescriptionLength) {
    return Error::invalid("description must be at most 512 characters", "description",
                          "invalid_description");
  }
  return ok_status();
}

boost::asio::awaitable<Result<CreatedWebhook>> ManageWebhooks::create(const Principal& caller,
                                                                      NewWebhook request) {
  if (auto allowed = require_person(caller); !allowed) co_return allowed.error();
  if (auto valid = check_request(request); !valid) co_return valid.error();
  auto target = co_await transport_.check_target(request.url);
  if (!target) {
    auto error = target.error();
    error.param = "url";
    co_return error;
  }
  // Each event once, in the order first given.
  std::vector<std::string> events;
  for (auto& event : request.events) {
    if (std::find(events.begin(), events.end(), event) == events.end()) {
      events.push_back(std::move(event));
    }
  }
  CreatedWebhook created;
  created.secret = standard_webhooks_secret(secrets_);
  created.webhook = Webhook{ids_.new_id(),
                            caller.user_id,
                            std::move(request.url),
                            std::move(events),
                            std::move(request.description),
                            sealer_.seal(created.secret, sealing_key_),
                            clock_.now()};
  auto stored = co_await webhooks_.create(created.webhook, settings_.max_per_user);
  if (!stored) co_return stored.error();
  co_return created;
}

boost::asio::awaitable<Result<Page<Webhook>>> ManageWebhooks::list(
    const Principal& caller, int limit, std::optional<std::string> after) {
  if (auto allowed = require_person(caller); !allowed) co_return allowed.error();
  co_return co_await webhooks_.list(caller.user_id, limit, std::move(after));
}

boost::asio::awaitable<Result<Webhook>> ManageWebhooks::get(const Principal& caller,
                                                            std::string webhook_id) {
  if (auto allowed = require_person(caller); !allowed) co_return allowed.error();
  co_return co_await webhooks_.find(caller.user_id, std::move(webhook_id));
}

boost::asio::awaitable<Status> ManageWebhooks::remove(const Principal& caller,
                                                      std::string webhook_id) {
  if (auto allowed = require_person(caller); !allowed) co_return allowed.error();
  co_return co_await webhooks_.remove(caller.user_id, std::move(webhook_id));
}

boost::asio::awaitable<Result<Page<DeliveryAttempt>>> ManageWebhooks::deliveries(
    const Principal& caller, std::string webhook_id, int limit, std::optional<std::string> after) {
  if (auto allowed = require_person(caller); !allowed) co_return allowed.error();
  auto webhook = co_await webhooks_.find(caller.user_id, webhook_id);
  if (!webhook) co_return webhook.error();
  co_return co_await webhooks_.list_attempts(std::move(webhook_id), limit, std::move(after));
}

}  // namespace agentd
