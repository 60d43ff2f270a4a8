// A WebhookTransport that answers from a script and keeps every post, so tests see what a
// receiver would have been sent. Targets on "private.example" are refused, as a private
// address would be.
#pragma once

#include <deque>
#include <mutex>
#include <vector>

#include "application/ports/webhook_transport.h"

namespace agentd {

class FakeWebhookTransport final : public WebhookTransport {
 public:
  boost::asio::awaitable<Status> check_target(std::string url) override {
    if (!url.starts_with("http://") && !url.starts_with("https://")) {
      co_return Error::invalid("url must be an absolute http or https URL", "url", "invalid_url");
    }
    if (url.find("private.example") != std::string::npos) {
      co_return Error{ErrorCode::forbidden, "not a public address", {}, "address_not_allowed"};
    }
    co_return ok_status();
  }
  boost::asio::awaitable<WebhookPostOutcome> post(const WebhookPost& post) override {
    std::lock_guard lock(mutex_);
    posts.push_back(post);
    if (outcomes.empty()) co_return WebhookPostOutcome{204, std::nullopt};
    auto outcome = outcomes.front();
    outcomes.pop_front();
    co_return outcome;
  }

  std::deque<WebhookPostOutcome> outcomes;  // answered in order; then 204s
  std::vector<WebhookPost> posts;

 private:
  std::mutex mutex_;
};

}  // namespace agentd
