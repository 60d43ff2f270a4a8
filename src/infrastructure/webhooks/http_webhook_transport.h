// WebhookTransport over the shared outbound HTTP client: Standard Webhooks headers, a bounded
// wait, and the SSRF rule of http_get (public addresses only) unless the operator allows
// private ones.
#pragma once

#include <chrono>

#include "application/ports/webhook_transport.h"
#include "infrastructure/net/http_client.h"

namespace agentd::webhooks {

struct WebhookTransportSettings {
  // Deliver to loopback and private networks too: receivers inside the operator's network.
  bool allows_private_addresses = false;
  std::chrono::milliseconds timeout{10'000};  // to connect, and to get the answer
};

class HttpWebhookTransport final : public WebhookTransport {
 public:
  HttpWebhookTransport(net::HttpClient& client, WebhookTransportSettings settings);

  boost::asio::awaitable<Status> check_target(std::string url) override;
  boost::asio::awaitable<WebhookPostOutcome> post(const WebhookPost& post) override;

  // The body sent for `post`: {"type","timestamp","data"}.
  static std::string body_of(const WebhookPost& post);

 private:
  boost::asio::awaitable<WebhookPostOutcome> send(const WebhookPost& post);

  net::HttpClient& client_;
  WebhookTransportSettings settings_;
  net::RequestOptions options_;
};

}  // namespace agentd::webhooks
