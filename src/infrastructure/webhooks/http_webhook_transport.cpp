#include "infrastructure/webhooks/http_webhook_transport.h"

#include <boost/json/serialize.hpp>
#include <boost/json/string.hpp>
#include <exception>

#include "infrastructure/net/address_rules.h"
#include "infrastructure/net/connect.h"
#include "infrastructure/net/url.h"
#include "infrastructure/text/rfc3339.h"
#include "infrastructure/webhooks/standard_webhooks_signature.h"

namespace agentd::webhooks {
namespace {

Error invalid_url(std::string message) {
  return Error::invalid(std::move(message), "url", "invalid_url");
}

}  // namespace

HttpWebhookTransport::HttpWebhookTransport(net::HttpClient& client,
                                           WebhookTransportSettings settings)
    : client_(client), settings_(settings) {
  options_.connect_timeout = settings_.timeout;
  options_.first_byte_timeout = settings_.timeout;
  options_.idle_timeout = settings_.timeout;
  options_.max_body_bytes = 64 * 1024;  // the answer's body is not used
  if (!settings_.allows_private_addresses) {
    options_.address_policy = net::public_addresses_only(false);
  }
}

std::string HttpWebhookTransport::body_of(const WebhookPost& post) {
  // Concatenated, so the stored data's text is sent as it is, without parsing it again.
  return R"({"type":)" + boost::json::serialize(boost::json::string(post.event_type)) +
         R"(,"timestamp":")" + format_rfc3339_seconds(post.event_time) + R"(","data":)" +
         post.data + "}";
}

boost::asio::awaitable<Status> HttpWebhookTransport::check_target(std::string url) {
  auto parsed = net::parse_http_url(url);
  if (!parsed) co_return invalid_url("url must be an absolute http or https URL");
  if (!options_.address_policy) co_return ok_status();
  auto checked = co_await net::check_addresses(*parsed, options_.address_policy, settings_.timeout);
  if (!checked && checked.error().kind != ErrorCode::forbidden) {
    co_return invalid_url("the host of url cannot be resolved: " + checked.error().message);
  }
  co_return checked;
}

boost::asio::awaitable<WebhookPostOutcome> HttpWebhookTransport::post(const WebhookPost& post) {
  try {
    co_return co_await send(post);
  } catch (const std::exception& failure) {
    WebhookPostOutcome outcome;
    outcome.error = std::string("delivery failed: ") + failure.what();
    co_return outcome;
  }
}

boost::asio::awaitable<WebhookPostOutcome> HttpWebhookTransport::send(const WebhookPost& post) {
  WebhookPostOutcome outcome;
  const auto timestamp =
      std::chrono::duration_cast<std::chrono::seconds>(post.sent_at.time_since_epoch()).count();
  auto body = body_of(post);
  auto signature = sign_standard_webhook(post.secret, post.message_id, timestamp, body);
  if (!signature) {
    outcome.error = "the webhook's secret is not a whsec_ secret";
    co_return outcome;
  }
  net::HttpHeaders headers{{"Content-Type", "application/json"},
                           {"webhook-id", post.message_id},
                           {"webhook-timestamp", std::to_string(timestamp)},
                           {"webhook-signature", std::move(*signature)}};
  net::HttpRequest request("POST", post.url, std::move(headers), std::move(body));
  auto response = co_await client_.request(std::move(request), options_);
  if (!response) {
    outcome.error = response.error().message;
    co_return outcome;
  }
  outcome.status_code = response->status;
  co_return outcome;
}

}  // namespace agentd::webhooks
