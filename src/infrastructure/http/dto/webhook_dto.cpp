#include "infrastructure/http/dto/webhook_dto.h"

#include <boost/json.hpp>

#include "infrastructure/http/dto/time_json.h"
#include "infrastructure/text/rfc3339.h"

namespace agentd::http {
boost::json::object to_json(const Webhook& webhook) {
  boost::json::array events;
  for (const auto& event : webhook.events) events.emplace_back(event);
  boost::json::object json{{"id", webhook.id},
                           {"object", "webhook"},
                           {"url", webhook.url},
                           {"events", std::move(events)},
                           {"created_at", format_rfc3339_seconds(webhook.created_at)}};
  json["description"] =
      webhook.description ? boost::json::value(*webhook.description) : boost::json::value(nullptr);
  return json;
}

boost::json::object to_json(const DeliveryAttempt& attempt) {
  boost::json::object json{{"id", attempt.id},
                           {"object", "webhook.delivery"},
                           {"delivery_id", attempt.delivery_id},
                           {"event_id", attempt.event_id},
                           {"event_type", attempt.event_type},
                           {"attempt", attempt.attempt},
                           {"duration_ms", attempt.duration_ms},
                           {"attempted_at", format_rfc3339_seconds(attempt.attempted_at)},
                           {"next_attempt_at", time_or_null(attempt.next_attempt_at)}};
  json["status_code"] =
      attempt.status_code ? boost::json::value(*attempt.status_code) : boost::json::value(nullptr);
  json["error"] = attempt.error ? boost::json::value(*attempt.error) : boost::json::value(nullptr);
  return json;
}

}  // namespace agentd::http
