// One Redis connection on hiredis: resolves the host, connects without blocking, sends AUTH and
// SELECT, and is ready once the server has answered them. hiredis 0.14 has no timeouts of its
// own; the connection keeps them with timers. Every member function runs on the strand.
#pragma once

#include <boost/asio/any_completion_executor.hpp>
#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "domain/common/result.h"
#include "infrastructure/redis/asio_hiredis_adapter.h"
#include "infrastructure/redis/redis_client.h"

struct redisAsyncContext;

namespace agentd::redis {

using ReplyHandler = boost::asio::any_completion_handler<void(Result<Reply>)>;

// Hands `result` to `handler` on its associated executor (else the strand), never inline: the
// caller may be inside hiredis.
void complete_later(ReplyHandler handler, Result<Reply> result, const RedisStrand& strand);

class RedisConnection : public std::enable_shared_from_this<RedisConnection> {
 public:
  using OnReady = std::function<void()>;
  using OnClosed = std::function<void(const std::string& why)>;
  using OnPush = std::function<void(Reply push)>;

  // Starts connecting. `on_ready` runs once the handshake is done; `on_closed` once the
  // connection is gone, whether it became ready or not. Both run on the strand, on their own.
  static std::shared_ptr<RedisConnection> open(const RedisStrand& strand,
                                               const ClientSettings& settings, OnReady on_ready,
                                               OnClosed on_closed);
  ~RedisConnection();
  RedisConnection(const RedisConnection&) = delete;
  RedisConnection& operator=(const RedisConnection&) = delete;

  // Sends a command on the ready connection. The handler gets the reply, or unavailable when
  // the connection is not ready, closes before the reply, or the reply takes longer than
  // command_timeout: then the connection closes too, so nothing waits behind a stuck server.
  void send(const std::vector<std::string>& args, ReplyHandler handler);
  // SUBSCRIBEs the ready connection to `channels`; from then on every push (a confirmation or a
  // message) goes to `on_push` on the strand. An error reply closes the connection.
  void subscribe(const std::vector<std::string>& channels, OnPush on_push);
  // Fails whatever is pending with unavailable(`why`) and closes; on_closed follows.
  void close(std::string why);

 private:
  using Clock = boost::asio::steady_timer::clock_type;
  enum class State { resolving, connecting, ready, closed };
  struct Pending {
    ReplyHandler handler;
    // The handler's executor, told of work outstanding: its io_context must not run dry while
    // the reply is awaited.
    boost::asio::any_completion_executor work;
    Clock::time_point deadline;
  };

  RedisConnection(const RedisStrand& strand, const ClientSettings& settings, OnReady on_ready,
                  OnClosed on_closed);

  void start();
  void resolved(const boost::system::error_code& error,
                const boost::asio::ip::tcp::resolver::results_type& results);
  void connect_next();
  void handshake();
  void handshake_replied(unsigned attempt, bool last, const Result<Reply>& reply);
  bool enqueue(const std::vector<std::string>& args, ReplyHandler handler,
               Clock::time_point deadline);
  void watch_deadlines();
  void deadline_passed(const boost::system::error_code& error);
  void deliver(Reply push);
  void detached();
  void finish();
  std::string failure(const redisAsyncContext& context) const;

  static void on_connect(const redisAsyncContext* context, int status);
  static void on_reply(redisAsyncContext* context, void* reply, void* privdata);
  static void on_push(redisAsyncContext* context, void* reply, void* privdata);

  RedisStrand strand_;
  ClientSettings settings_;
  OnReady on_ready_;
  OnClosed on_closed_;
  OnPush on_push_;
  State state_ = State::resolving;
  bool closing_ = false;  // close() is freeing the context: reason_ says why
  std::string reason_;
  boost::asio::ip::tcp::resolver resolver_;
  std::vector<boost::asio::ip::tcp::endpoint> endpoints_;
  std::size_t next_endpoint_ = 0;
  unsigned attempt_ = 0;  // which endpoint's context the handshake replies belong to
  bool tcp_connected_ = false;
  redisAsyncContext* context_ = nullptr;
  std::shared_ptr<AsioHiredisAdapter> adapter_;
  // The commands awaiting replies, in the order hiredis will call back for them.
  std::deque<Pending> pending_;
  boost::asio::steady_timer connect_timer_;
  boost::asio::steady_timer deadline_timer_;
  bool deadline_watched_ = false;
};

}  // namespace agentd::redis
