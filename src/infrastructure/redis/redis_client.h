// A Redis connection on hiredis's asynchronous API, driven by Asio: hiredis asks to watch the
// socket for reading or writing through its event hooks, and the io_context tells it when the
// socket is ready; no thread waits on a command. The client connects in the background and
// reconnects with backoff whenever the connection is lost; a command sent while it is down
// fails at once as unavailable, never queued behind a dead socket.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "domain/common/result.h"

namespace agentd::redis {

// redis://[user:password@]host:port[/db]. rediss:// is refused: Debian 12's hiredis (0.14)
// has no TLS.
struct RedisUrl {
  std::string host = "127.0.0.1";
  int port = 6379;
  std::string user;  // empty: AUTH with the password alone (the default user)
  std::string password;
  int db = 0;
};

// invalid (param "AGENTD_REDIS_URL") for a malformed URL or rediss://.
Result<RedisUrl> parse_redis_url(std::string_view text);

// One reply, copied out of hiredis's reply tree.
struct Reply {
  enum class Type { string, array, integer, nil, status, error };
  Type type = Type::nil;
  std::string text;  // string, status and error replies
  std::int64_t integer = 0;
  std::vector<Reply> elements;

  bool is_nil() const { return type == Type::nil; }
};

struct ClientSettings {
  RedisUrl url;
  std::chrono::milliseconds connect_timeout{2'000};
  std::chrono::milliseconds command_timeout{2'000};
  std::chrono::milliseconds first_backoff{100};
  std::chrono::milliseconds longest_backoff{5'000};
};

class RedisClient {
 public:
  RedisClient(const boost::asio::any_io_executor& executor, ClientSettings settings);
  ~RedisClient();
  RedisClient(const RedisClient&) = delete;
  RedisClient& operator=(const RedisClient&) = delete;

  // Connects (AUTH, SELECT) in the background and keeps reconnecting until stop().
  void start();
  void stop();
  bool connected() const;

  // Sends a command and waits for its reply. Errors: unavailable (code
  // "redis_unavailable") when not connected, when the connection drops before the reply, or
  // after command_timeout; internal (code "redis_error") for an error reply, whose text is the
  // message. Throws std::invalid_argument for no command, or one that makes the server push
  // instead of reply ((P|S)SUBSCRIBE, their UNSUBSCRIBEs, MONITOR: see RedisSubscriber).
  boost::asio::awaitable<Result<Reply>> command(std::vector<std::string> args);
  // Sends a command without waiting for its reply; commands sent from one thread keep their
  // order on the connection. Dropped (and counted in dropped()) while not connected; an error
  // reply is logged.
  void send(std::vector<std::string> args);
  std::uint64_t dropped() const;

 private:
  class Impl;
  std::shared_ptr<Impl> impl_;
};

// A connection of its own in subscribe mode: SUBSCRIBEs to `channels` (at least one) on every
// (re)connect and hands each message to `on_message` on the executor, one at a time; once the
// subscriber is destroyed, on_message is not called again. Messages published while it is
// reconnecting are lost: pub/sub keeps nothing.
class RedisSubscriber {
 public:
  using OnMessage = std::function<void(std::string_view channel, std::string_view message)>;
  RedisSubscriber(const boost::asio::any_io_executor& executor, ClientSettings settings,
                  std::vector<std::string> channels, OnMessage on_message);
  ~RedisSubscriber();
  RedisSubscriber(const RedisSubscriber&) = delete;
  RedisSubscriber& operator=(const RedisSubscriber&) = delete;

  void start();
  void stop();
  bool subscribed() const;

 private:
  class Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace agentd::redis
