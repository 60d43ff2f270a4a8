// A user's subscription to events: where they are POSTed, which ones, and the secret that
// signs them (kept sealed: the server must read it back to sign, so it cannot be a hash).
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "domain/identity/user.h"

namespace agentd {

struct Webhook {
  std::string id;
  std::string user_id;
  std::string url;
  std::vector<std::string> events;  // event types, each one of webhook_event_types()
  std::optional<std::string> description;
  std::string sealed_secret;
  Timestamp created_at;

  bool operator==(const Webhook&) const = default;
  bool is_subscribed_to(std::string_view event_type) const;
};

// Every event type a webhook may subscribe to.
std::span<const std::string_view> webhook_event_types();
bool is_webhook_event_type(std::string_view event_type);

}  // namespace agentd
