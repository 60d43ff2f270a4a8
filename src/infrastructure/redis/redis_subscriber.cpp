#include <atomic>
#include <boost/asio/steady_timer.hpp>
#include <cstdint>
#include <exception>
#include <mutex>
#include <stdexcept>
#include <utility>

#include "infrastructure/logging/log.h"
#include "infrastructure/redis/redis_client.h"
#include "infrastructure/redis/redis_connection.h"
#include "infrastructure/redis/redis_link.h"

namespace agentd::redis {

namespace asio = boost::asio;

class RedisSubscriber::Impl final : public RedisLink {
 public:
  Impl(const asio::any_io_executor& executor, ClientSettings settings,
       std::vector<std::string> channels, OnMessage on_message)
      : RedisLink(executor, std::move(settings), "subscriber"),
        channels_(std::move(channels)),
        on_message_(std::move(on_message)),
        confirm_timer_(strand()) {}

  bool subscribed() const { return subscribed_; }

  // Once the subscriber is destroyed on_message is not called again, not even for a push
  // already on its way, and a call under way has returned (unless it is the caller).
  void silence() {
    std::lock_guard lock(delivery_);
    silenced_ = true;
  }

 private:
  std::shared_ptr<Impl> self() { return std::static_pointer_cast<Impl>(shared_from_this()); }

  // Every new connection starts unsubscribed.
  void on_ready(const std::shared_ptr<RedisConnection>& connection) override {
    confirmed_ = 0;
    std::weak_ptr<Impl> weak = self();
    connection->subscribe(channels_, [weak](Reply push) {
      if (auto self = weak.lock()) self->received(std::move(push));
    });
    // A server that takes the SUBSCRIBE but never confirms it would leave the subscriber deaf.
    confirm_timer_.expires_after(settings().command_timeout);
    confirm_timer_.async_wait([self = self(), connection = std::weak_ptr(connection)](auto error) {
      if (error || self->subscribed_) return;
      if (auto unconfirmed = connection.lock()) unconfirmed->close("SUBSCRIBE was not confirmed");
    });
  }

  void on_lost() override {
    subscribed_ = false;
    confirm_timer_.cancel();
  }

  // Pushes are [kind, channel, payload]: payload is the message, or the count of channels
  // subscribed to for a confirmation.
  void received(Reply push) {
    if (push.type != Reply::Type::array || push.elements.size() < 3) return;
    const std::string& kind = push.elements[0].text;
    if (kind == "subscribe") {
      if (++confirmed_ == channels_.size()) {
        subscribed_ = true;
        confirm_timer_.cancel();
        log::info("redis_subscribed", {{"channels", static_cast<std::int64_t>(confirmed_)}});
      }
    } else if (kind == "message") {
      std::lock_guard lock(delivery_);
      if (silenced_) return;
      // on_message runs on the strand, where an exception would end the io_context's run().
      try {
        on_message_(push.elements[1].text, push.elements[2].text);
      } catch (...) {
        log::error("redis_message_handler_failed",
                   {{"error", log::describe(std::current_exception())}});
      }
    }
  }

  std::vector<std::string> channels_;
  OnMessage on_message_;
  asio::steady_timer confirm_timer_;
  std::size_t confirmed_ = 0;
  std::atomic<bool> subscribed_ = false;
  // Held while on_message runs; recursive, for a subscriber destroyed from inside on_message.
  std::recursive_mutex delivery_;
  bool silenced_ = false;
};

RedisSubscriber::RedisSubscriber(const asio::any_io_executor& executor, ClientSettings settings,
                                 std::vector<std::string> channels, OnMessage on_message) {
  // SUBSCRIBE with no channel is not a subscription; hiredis would misfile its error reply.
  if (channels.empty()) throw std::invalid_argument("RedisSubscriber needs at least one channel");
  impl_ = std::make_shared<Impl>(executor, std::move(settings), std::move(channels),
                                 std::move(on_message));
}

RedisSubscriber::~RedisSubscriber() {
  impl_->silence();
  impl_->stop();
}

void RedisSubscriber::start() { impl_->start(); }

void RedisSubscriber::stop() { impl_->stop(); }

bool RedisSubscriber::subscribed() const { return impl_->subscribed(); }

}  // namespace agentd::redis
