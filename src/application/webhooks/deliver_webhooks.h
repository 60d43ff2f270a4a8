// The outbox's worker: claims the deliveries that are due, sends each once, records the
// attempt, and schedules a retry (exponential backoff with jitter) or gives up after a day.
// Safe with many workers on one database: a claim hides a delivery from the others.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <functional>
#include <string>

#include "application/ports/clock.h"
#include "application/ports/id_generator.h"
#include "application/ports/metrics.h"
#include "application/ports/secret_sealer.h"
#include "application/ports/webhook_repository.h"
#include "application/ports/webhook_transport.h"
#include "application/webhooks/webhook_settings.h"

namespace agentd {

class DeliverWebhooks {
 public:
  // `jitter` draws uniformly from [0, 1). Secrets are opened with `sealing_key`, the one
  // ManageWebhooks sealed them with.
  DeliverWebhooks(WebhookRepository& webhooks, WebhookTransport& transport,
                  const SecretSealer& sealer, std::string sealing_key, IdGenerator& ids,
                  const Clock& clock, const WebhookSettings& settings, Metrics& metrics,
                  std::function<double()> jitter)
      : webhooks_(webhooks),
        transport_(transport),
        sealer_(sealer),
        sealing_key_(std::move(sealing_key)),
        ids_(ids),
        clock_(clock),
        settings_(settings),
        metrics_(metrics),
        jitter_(std::move(jitter)) {}

  // One round: claims up to a batch of due deliveries and attempts them concurrently.
  // Answers how many it claimed (a full batch means more may be due).
  boost::asio::awaitable<Result<int>> deliver_due();
  int batch_size() const { return settings_.claim_batch; }

 private:
  boost::asio::awaitable<void> attempt(const DueDelivery& due);

  WebhookRepository& webhooks_;
  WebhookTransport& transport_;
  const SecretSealer& sealer_;
  std::string sealing_key_;
  IdGenerator& ids_;
  const Clock& clock_;
  const WebhookSettings& settings_;
  Metrics& metrics_;
  std::function<double()> jitter_;
};

}  // namespace agentd
