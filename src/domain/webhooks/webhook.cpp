#include "domain/webhooks/webhook.h"

#include <algorithm>

namespace agentd {
namespace {

constexpr std::string_view kEventTypes[] = {"response.completed", "response.failed",
                                            "response.cancelled", "approval.required",
                                            "run.completed"};

}  // namespace

bool Webhook::is_subscribed_to(std::string_view event_type) const {
  return std::find(events.begin(), events.end(), event_type) != events.end();
}

std::span<const std::string_view> webhook_event_types() { return kEventTypes; }

bool is_webhook_event_type(std::string_view event_type) {
  return std::find(std::begin(kEventTypes), std::end(kEventTypes), event_type) !=
         std::end(kEventTypes);
}

}  // namespace agentd
