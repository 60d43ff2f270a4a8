#include "infrastructure/redis/redis_link.h"

#include <algorithm>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <cstdint>
#include <utility>

#include "infrastructure/logging/log.h"

namespace agentd::redis {

namespace asio = boost::asio;

namespace {

// A zero first_backoff would retry in a busy loop.
constexpr std::chrono::milliseconds kShortestBackoff{1};

}  // namespace

RedisLink::RedisLink(const asio::any_io_executor& executor, ClientSettings settings,
                     std::string_view role)
    : strand_(asio::make_strand(executor)),
      settings_(std::move(settings)),
      role_(role),
      backoff_timer_(strand_),
      backoff_(std::max(settings_.first_backoff, kShortestBackoff)) {}

void RedisLink::start() {
  asio::post(strand_, [self = shared_from_this()] {
    if (!self->stopped_) return;
    self->stopped_ = false;
    self->open();
  });
}

void RedisLink::stop() {
  asio::post(strand_, [self = shared_from_this()] {
    self->stopped_ = true;
    self->backoff_timer_.cancel();
    if (self->connection_) self->connection_->close("the client stopped");
  });
}

void RedisLink::open() {
  const unsigned attempt = ++attempt_;
  std::weak_ptr<RedisLink> weak = weak_from_this();
  connection_ = RedisConnection::open(
      strand_, settings_,
      [weak, attempt] {
        if (auto self = weak.lock()) self->opened(attempt);
      },
      [weak, attempt](const std::string& why) {
        if (auto self = weak.lock()) self->closed(attempt, why);
      });
}

void RedisLink::opened(unsigned attempt) {
  if (attempt != attempt_ || stopped_) return;
  backoff_ = std::max(settings_.first_backoff, kShortestBackoff);
  connected_ = true;
  // The URL is never logged whole: it may hold the password.
  log::info("redis_connected", {{"role", std::string_view(role_)},
                                {"host", std::string_view(settings_.url.host)},
                                {"port", std::int64_t{settings_.url.port}},
                                {"db", std::int64_t{settings_.url.db}}});
  on_ready(connection_);
}

void RedisLink::closed(unsigned attempt, const std::string& why) {
  if (attempt != attempt_) return;
  const bool was_connected = connected_.exchange(false);
  connection_.reset();
  if (was_connected) on_lost();
  if (stopped_) {
    if (was_connected) log::info("redis_closed", {{"role", std::string_view(role_)}});
    return;
  }
  if (was_connected) backoff_ = std::max(settings_.first_backoff, kShortestBackoff);
  log::warn(was_connected ? "redis_disconnected" : "redis_connect_failed",
            {{"role", std::string_view(role_)},
             {"host", std::string_view(settings_.url.host)},
             {"port", std::int64_t{settings_.url.port}},
             {"reason", std::string_view(why)},
             {"retry_ms", std::int64_t{backoff_.count()}}});
  retry_later();
}

void RedisLink::retry_later() {
  backoff_timer_.expires_after(backoff_);
  backoff_timer_.async_wait([self = shared_from_this()](auto error) {
    if (!error && !self->stopped_) self->open();
  });
  backoff_ = std::min(backoff_ * 2, std::max(settings_.longest_backoff, backoff_));
}

}  // namespace agentd::redis
