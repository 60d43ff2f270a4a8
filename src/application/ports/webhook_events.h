// Where use cases announce what users may subscribe webhooks to, without knowing about
// webhooks: a run that completed, one that waits for approval, a response that ended.
//
//   co_await events.publish(user_id, "response.completed", response_json);
//
// `event_type` is one of webhook_event_types() (domain/webhooks/webhook.h); `data` is the
// resource as the API shows it, sent as the payload's "data". Publishing only stores the
// event for delivery (one outbox row per subscribed webhook): it never throws and never
// fails the caller; a failure to store is logged and counted by the implementation.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>
#include <string>

namespace agentd {

class WebhookEvents {
 public:
  virtual ~WebhookEvents() = default;
  virtual boost::asio::awaitable<void> publish(std::string user_id, std::string event_type,
                                               boost::json::object data) = 0;
};

}  // namespace agentd
