#include "infrastructure/redis/redis_connection.h"

#include <hiredis/async.h>

#include <boost/asio/append.hpp>
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/execution/outstanding_work.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/prefer.hpp>
#include <csignal>
#include <mutex>
#include <utility>

#include "infrastructure/redis/redis_reply.h"

namespace agentd::redis {

namespace asio = boost::asio;

namespace {

// hiredis writes with write(2): to a server that has gone that raises SIGPIPE, which would end
// agentd. Ignored, the write fails with EPIPE and the connection is lost like any other.
void ignore_sigpipe() {
  static std::once_flag once;
  std::call_once(once, [] { std::signal(SIGPIPE, SIG_IGN); });
}

std::string describe_duration(std::chrono::milliseconds duration) {
  return std::to_string(duration.count()) + " ms";
}

// AUTH (with the user when there is one), SELECT, then a PING, which every server answers even
// with neither configured: its reply ends the handshake.
std::vector<std::vector<std::string>> handshake_commands(const RedisUrl& url) {
  std::vector<std::vector<std::string>> commands;
  if (!url.user.empty()) {
    commands.push_back({"AUTH", url.user, url.password});
  } else if (!url.password.empty()) {
    commands.push_back({"AUTH", url.password});
  }
  if (url.db != 0) commands.push_back({"SELECT", std::to_string(url.db)});
  commands.push_back({"PING"});
  return commands;
}

}  // namespace

void complete_later(ReplyHandler handler, Result<Reply> result, const RedisStrand& strand) {
  // Through the strand, from which Asio dispatches to the handler's own executor.
  asio::post(strand, asio::append(std::move(handler), std::move(result)));
}

std::shared_ptr<RedisConnection> RedisConnection::open(const RedisStrand& strand,
                                                       const ClientSettings& settings,
                                                       OnReady on_ready, OnClosed on_closed) {
  std::shared_ptr<RedisConnection> connection(
      new RedisConnection(strand, settings, std::move(on_ready), std::move(on_closed)));
  connection->start();
  return connection;
}

RedisConnection::RedisConnection(const RedisStrand& strand, const ClientSettings& settings,
                                 OnReady on_ready, OnClosed on_closed)
    : strand_(strand),
      settings_(settings),
      on_ready_(std::move(on_ready)),
      on_closed_(std::move(on_closed)),
      resolver_(strand),
      connect_timer_(strand),
      deadline_timer_(strand) {}

RedisConnection::~RedisConnection() {
  if (context_ != nullptr) {
    closing_ = true;
    if (reason_.empty()) reason_ = "the client was destroyed";
    redisAsyncFree(context_);
  }
}

void RedisConnection::start() {
  ignore_sigpipe();
  connect_timer_.expires_after(settings_.connect_timeout);
  connect_timer_.async_wait([self = shared_from_this()](auto error) {
    if (error || self->state_ == State::ready || self->state_ == State::closed) return;
    self->close("no connection within " + describe_duration(self->settings_.connect_timeout));
  });
  // Resolved by Asio, so hiredis gets an address and never blocks in getaddrinfo.
  resolver_.async_resolve(settings_.url.host, std::to_string(settings_.url.port),
                          asio::ip::tcp::resolver::numeric_service,
                          [self = shared_from_this()](auto error, const auto& results) {
                            self->resolved(error, results);
                          });
}

void RedisConnection::resolved(const boost::system::error_code& error,
                               const asio::ip::tcp::resolver::results_type& results) {
  if (state_ != State::resolving) return;
  if (error) {
    reason_ = "cannot resolve " + settings_.url.host + ": " + error.message();
    finish();
    return;
  }
  for (const auto& entry : results) endpoints_.push_back(entry.endpoint());
  state_ = State::connecting;
  connect_next();
}

void RedisConnection::connect_next() {
  if (state_ != State::connecting) return;
  if (next_endpoint_ == endpoints_.size()) {
    finish();  // reason_ says why the last address failed
    return;
  }
  const auto endpoint = endpoints_[next_endpoint_++];
  ++attempt_;
  tcp_connected_ = false;
  redisAsyncContext* context =
      redisAsyncConnect(endpoint.address().to_string().c_str(), endpoint.port());
  if (context == nullptr) {
    reason_ = "out of memory";
    finish();
    return;
  }
  if (context->err != 0) {
    reason_ = context->errstr;
    redisAsyncFree(context);  // no hooks yet: nothing calls back
    connect_next();
    return;
  }
  auto adapter = AsioHiredisAdapter::attach(context, strand_, [this] { detached(); });
  if (!adapter) {
    reason_ = adapter.error().message;
    redisAsyncFree(context);
    finish();
    return;
  }
  context_ = context;
  adapter_ = std::move(*adapter);
  context_->data = this;
  redisAsyncSetConnectCallback(context_, &RedisConnection::on_connect);
  // A peer that vanishes without a FIN (a host that died) is noticed while idle.
  redisEnableKeepAlive(&context_->c);
  handshake();
}

void RedisConnection::on_connect(const redisAsyncContext* context, int status) {
  static_cast<RedisConnection*>(context->data)->tcp_connected_ = status == REDIS_OK;
}

void RedisConnection::handshake() {
  // The connect timer bounds the handshake; the deadline only fills the slot.
  const auto deadline = Clock::now() + settings_.connect_timeout;
  const auto commands = handshake_commands(settings_.url);
  for (std::size_t i = 0; i < commands.size(); ++i) {
    auto replied = [weak = weak_from_this(), attempt = attempt_,
                    last = i + 1 == commands.size()](const Result<Reply>& reply) {
      if (auto self = weak.lock()) self->handshake_replied(attempt, last, reply);
    };
    enqueue(commands[i], asio::bind_executor(strand_, std::move(replied)), deadline);
  }
}

void RedisConnection::handshake_replied(unsigned attempt, bool last, const Result<Reply>& reply) {
  if (attempt != attempt_ || state_ != State::connecting) return;
  if (!reply) {
    // Unavailable: the connection itself failed, which detached() reports.
    if (reply.error().kind != ErrorCode::unavailable) {
      close("the server refused the handshake: " + reply.error().message);
    }
    return;
  }
  if (!last) return;
  state_ = State::ready;
  connect_timer_.cancel();
  on_ready_();
}

void RedisConnection::send(const std::vector<std::string>& args, ReplyHandler handler) {
  if (state_ != State::ready) {
    complete_later(std::move(handler), redis_unavailable("not connected"), strand_);
    return;
  }
  if (enqueue(args, std::move(handler), Clock::now() + settings_.command_timeout)) {
    watch_deadlines();
  }
}

bool RedisConnection::enqueue(const std::vector<std::string>& args, ReplyHandler handler,
                              Clock::time_point deadline) {
  std::vector<const char*> argv;
  std::vector<std::size_t> lengths;
  argv.reserve(args.size());
  lengths.reserve(args.size());
  for (const auto& arg : args) {
    argv.push_back(arg.data());
    lengths.push_back(arg.size());
  }
  if (redisAsyncCommandArgv(context_, &RedisConnection::on_reply, this,
                            static_cast<int>(args.size()), argv.data(),
                            lengths.data()) != REDIS_OK) {
    complete_later(std::move(handler), redis_unavailable("the connection is closing"), strand_);
    return false;
  }
  auto work = asio::prefer(asio::get_associated_executor(handler, strand_),
                           asio::execution::outstanding_work.tracked);
  pending_.push_back({std::move(handler), std::move(work), deadline});
  return true;
}

void RedisConnection::on_reply(redisAsyncContext* context, void* reply, void* privdata) {
  auto& connection = *static_cast<RedisConnection*>(privdata);
  // hiredis 0.14 may call a callback again for a reply it cannot match in subscribe mode.
  if (connection.pending_.empty()) return;
  Pending pending = std::move(connection.pending_.front());
  connection.pending_.pop_front();
  // No reply: hiredis is failing what is pending because the connection is going.
  Result<Reply> result = reply != nullptr ? reply_result(*static_cast<redisReply*>(reply))
                                          : redis_unavailable(connection.failure(*context));
  complete_later(std::move(pending.handler), std::move(result), connection.strand_);
}

void RedisConnection::watch_deadlines() {
  // One timer for all commands: they share a timeout and are answered in order, so the
  // oldest pending one always has the nearest deadline.
  if (deadline_watched_ || pending_.empty() || state_ != State::ready) return;
  deadline_watched_ = true;
  deadline_timer_.expires_at(pending_.front().deadline);
  deadline_timer_.async_wait(
      [self = shared_from_this()](auto error) { self->deadline_passed(error); });
}

void RedisConnection::deadline_passed(const boost::system::error_code& error) {
  deadline_watched_ = false;
  if (error || state_ != State::ready) return;
  if (!pending_.empty() && pending_.front().deadline <= Clock::now()) {
    // Every later command would wait behind this one: the server is stuck or gone.
    close("no reply within " + describe_duration(settings_.command_timeout));
    return;
  }
  watch_deadlines();
}

void RedisConnection::subscribe(const std::vector<std::string>& channels, OnPush on_push) {
  if (state_ != State::ready) return;
  on_push_ = std::move(on_push);
  std::vector<const char*> argv{"SUBSCRIBE"};
  std::vector<std::size_t> lengths{9};
  for (const auto& channel : channels) {
    argv.push_back(channel.data());
    lengths.push_back(channel.size());
  }
  // hiredis files the callback under each channel and calls it for every push on it.
  if (redisAsyncCommandArgv(context_, &RedisConnection::on_push, this,
                            static_cast<int>(argv.size()), argv.data(),
                            lengths.data()) != REDIS_OK) {
    close("cannot send SUBSCRIBE");
  }
}

void RedisConnection::on_push(redisAsyncContext*, void* reply, void* privdata) {
  if (reply == nullptr) return;  // the connection is being freed
  auto& connection = *static_cast<RedisConnection*>(privdata);
  asio::post(connection.strand_, [weak = connection.weak_from_this(),
                                  push = copy_reply(*static_cast<redisReply*>(reply))]() mutable {
    if (auto self = weak.lock()) self->deliver(std::move(push));
  });
}

void RedisConnection::deliver(Reply push) {
  if (state_ != State::ready) return;
  if (push.type == Reply::Type::error) {
    close("SUBSCRIBE failed: " + push.text);
    return;
  }
  on_push_(std::move(push));
}

void RedisConnection::close(std::string why) {
  if (state_ == State::closed || closing_) return;
  closing_ = true;
  reason_ = std::move(why);
  if (context_ != nullptr) {
    // Fails the pending callbacks, then detached() finishes.
    redisAsyncFree(context_);
  } else {
    finish();
  }
}

std::string RedisConnection::failure(const redisAsyncContext& context) const {
  if (closing_) return reason_;
  if (context.err != 0) return context.errstr;
  return "the connection closed";
}

void RedisConnection::detached() {
  // Inside hiredis, which frees the context on return: nothing here may free this connection,
  // its adapter or the context.
  const std::string why = failure(*context_);
  context_ = nullptr;
  reason_ = why;
  if (!closing_ && state_ == State::connecting && !tcp_connected_ &&
      next_endpoint_ < endpoints_.size()) {
    // Another address of the host may answer (localhost is ::1 and 127.0.0.1).
    asio::post(strand_, [weak = weak_from_this()] {
      if (auto self = weak.lock()) self->connect_next();
    });
    return;
  }
  finish();
}

void RedisConnection::finish() {
  if (state_ == State::closed) return;
  state_ = State::closed;
  connect_timer_.cancel();
  deadline_timer_.cancel();
  resolver_.cancel();
  // Normally empty, hiredis having failed every command it held: nothing may wait for ever.
  while (!pending_.empty()) {
    Pending pending = std::move(pending_.front());
    pending_.pop_front();
    complete_later(std::move(pending.handler), redis_unavailable(reason_), strand_);
  }
  asio::post(strand_, [on_closed = std::move(on_closed_), why = reason_] { on_closed(why); });
}

}  // namespace agentd::redis
