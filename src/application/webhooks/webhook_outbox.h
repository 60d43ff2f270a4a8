// WebhookEvents on the durable outbox: an event becomes one stored delivery per webhook of
// the user subscribed to its type, which DeliverWebhooks then sends.
#pragma once

#include <functional>
#include <string_view>

#include "application/ports/clock.h"
#include "application/ports/id_generator.h"
#include "application/ports/metrics.h"
#include "application/ports/webhook_events.h"
#include "application/ports/webhook_repository.h"

namespace agentd {

class WebhookOutbox final : public WebhookEvents {
 public:
  // Told of every event that could not be stored (the caller goes on regardless).
  using FailureReport = std::function<void(std::string_view event_type, const Error& error)>;

  WebhookOutbox(WebhookRepository& webhooks, IdGenerator& ids, const Clock& clock, Metrics& metrics,
                FailureReport report)
      : webhooks_(webhooks),
        ids_(ids),
        clock_(clock),
        metrics_(metrics),
        report_(std::move(report)) {}

  boost::asio::awaitable<void> publish(std::string user_id, std::string event_type,
                                       boost::json::object data) override;

 private:
  boost::asio::awaitable<Status> store(const std::string& user_id, const std::string& event_type,
                                       const boost::json::object& data);

  WebhookRepository& webhooks_;
  IdGenerator& ids_;
  const Clock& clock_;
  Metrics& metrics_;
  FailureReport report_;
};

}  // namespace agentd
