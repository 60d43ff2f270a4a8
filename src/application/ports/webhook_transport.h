// How webhook deliveries leave the server: signed POSTs to addresses the operator allows.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <optional>
#include <string>

#include "domain/common/result.h"
#include "domain/identity/user.h"

namespace agentd {

// The body sent is {"type","timestamp","data"}, the same on every attempt.
struct WebhookPost {
  std::string url;
  std::string message_id;  // webhook-id
  std::string event_type;
  Timestamp event_time;
  std::string data;    // JSON text
  Timestamp sent_at;   // webhook-timestamp
  std::string secret;  // whsec_<base64>
};

struct WebhookPostOutcome {
  std::optional<int> status_code;    // when the receiver answered
  std::optional<std::string> error;  // when it could not be reached or was not allowed

  bool is_delivered() const { return status_code && *status_code >= 200 && *status_code < 300; }
};

class WebhookTransport {
 public:
  virtual ~WebhookTransport() = default;
  // ok when `url` is an http(s) URL whose host resolves only to allowed addresses; else
  // invalid_request "invalid_url" or forbidden "address_not_allowed".
  virtual boost::asio::awaitable<Status> check_target(std::string url) = 0;
  // Signs and sends `post`, checking the addresses again (DNS may have changed). Never throws.
  // `post` is taken by reference: it must outlive the call.
  virtual boost::asio::awaitable<WebhookPostOutcome> post(const WebhookPost& post) = 0;
};

}  // namespace agentd
