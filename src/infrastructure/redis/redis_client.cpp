#include "infrastructure/redis/redis_client.h"

#include <array>
#include <atomic>
#include <boost/asio/async_result.hpp>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <stdexcept>
#include <string_view>
#include <utility>

#include "infrastructure/logging/log.h"
#include "infrastructure/redis/redis_connection.h"
#include "infrastructure/redis/redis_link.h"
#include "infrastructure/redis/redis_reply.h"
#include "infrastructure/text/ascii.h"

namespace agentd::redis {

namespace asio = boost::asio;

namespace {

// Commands after which the server pushes instead of replying: hiredis 0.14 would pair their
// pushes with other commands' callbacks, or abort on a reply it did not expect.
constexpr std::array<std::string_view, 7> kPushingCommands = {
    "subscribe",    "psubscribe",   "ssubscribe", "unsubscribe",
    "punsubscribe", "sunsubscribe", "monitor"};

// A command the client cannot send is a bug in the caller.
void check_command(const std::vector<std::string>& args) {
  if (args.empty()) throw std::invalid_argument("a Redis command needs at least its name");
  const std::string name = ascii_lower(args.front());
  for (const auto pushing : kPushingCommands) {
    if (name == pushing) {
      throw std::invalid_argument("RedisClient cannot send " + args.front() +
                                  ": use RedisSubscriber");
    }
  }
}

}  // namespace

class RedisClient::Impl final : public RedisLink {
 public:
  Impl(const asio::any_io_executor& executor, ClientSettings settings)
      : RedisLink(executor, std::move(settings), "client") {}

  // async_initiate's initiation: no state of its own (see docs/coroutines.md, rule 1). `impl`
  // is moved out of the awaitable's frame: left there, it would keep the client alive while
  // the command waits, a cycle through the pending handler that leaks when the io_context
  // goes first.
  struct Initiate {
    template <typename Handler>
    void operator()(Handler&& handler, std::shared_ptr<Impl> impl,
                    std::vector<std::string> args) const {
      const auto client = std::move(impl);
      client->post_command(std::move(args), ReplyHandler(std::forward<Handler>(handler)));
    }
  };

  // Posted, so commands from any thread reach hiredis on the strand in the order they came.
  void post_command(std::vector<std::string> args, ReplyHandler handler) {
    asio::post(
        strand(), [self = self(), args = std::move(args), handler = std::move(handler)]() mutable {
          if (auto* connection = self->connection()) {
            connection->send(args, std::move(handler));
          } else {
            complete_later(std::move(handler), redis_unavailable("not connected"), self->strand());
          }
        });
  }

  void post_send(std::vector<std::string> args) {
    asio::post(strand(), [self = self(), args = std::move(args)] {
      auto* connection = self->connection();
      if (connection == nullptr) {
        ++self->dropped_;
        return;
      }
      // Nobody awaits the reply: an error reply would go unseen but for the log.
      auto logged = [](const Result<Reply>& reply) {
        if (!reply && reply.error().kind != ErrorCode::unavailable) {
          log::warn("redis_send_failed", {{"error", std::string_view(reply.error().message)}});
        }
      };
      connection->send(args, asio::bind_executor(self->strand(), std::move(logged)));
    });
  }

  std::uint64_t dropped() const { return dropped_; }

 private:
  std::shared_ptr<Impl> self() { return std::static_pointer_cast<Impl>(shared_from_this()); }

  void on_ready(const std::shared_ptr<RedisConnection>&) override {}
  void on_lost() override {}

  std::atomic<std::uint64_t> dropped_ = 0;
};

RedisClient::RedisClient(const asio::any_io_executor& executor, ClientSettings settings)
    : impl_(std::make_shared<Impl>(executor, std::move(settings))) {}

RedisClient::~RedisClient() { impl_->stop(); }

void RedisClient::start() { impl_->start(); }

void RedisClient::stop() { impl_->stop(); }

bool RedisClient::connected() const { return impl_->connected(); }

asio::awaitable<Result<Reply>> RedisClient::command(std::vector<std::string> args) {
  check_command(args);
  return asio::async_initiate<const asio::use_awaitable_t<>&, void(Result<Reply>)>(
      Impl::Initiate{}, asio::use_awaitable, impl_, std::move(args));
}

void RedisClient::send(std::vector<std::string> args) {
  check_command(args);
  impl_->post_send(std::move(args));
}

std::uint64_t RedisClient::dropped() const { return impl_->dropped(); }

}  // namespace agentd::redis
