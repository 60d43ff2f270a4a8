// The connection a RedisClient or a RedisSubscriber keeps: opened in the background, and opened
// again whenever it fails or is lost, after a backoff that starts at first_backoff and doubles
// with each failed attempt up to longest_backoff, until stop().
#pragma once

#include <atomic>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <memory>
#include <string>
#include <string_view>

#include "infrastructure/redis/asio_hiredis_adapter.h"
#include "infrastructure/redis/redis_client.h"
#include "infrastructure/redis/redis_connection.h"

namespace agentd::redis {

class RedisLink : public std::enable_shared_from_this<RedisLink> {
 public:
  // `role` names the link in the log ("client", "subscriber").
  RedisLink(const boost::asio::any_io_executor& executor, ClientSettings settings,
            std::string_view role);
  virtual ~RedisLink() = default;
  RedisLink(const RedisLink&) = delete;
  RedisLink& operator=(const RedisLink&) = delete;

  // From any thread.
  void start();
  void stop();
  bool connected() const { return connected_; }

 protected:
  const RedisStrand& strand() const { return strand_; }
  const ClientSettings& settings() const { return settings_; }
  // The ready connection, or null. On the strand.
  RedisConnection* connection() const { return connected_ ? connection_.get() : nullptr; }

  // On the strand: a connection became ready, and the ready one is gone. Failed attempts call
  // neither.
  virtual void on_ready(const std::shared_ptr<RedisConnection>& connection) = 0;
  virtual void on_lost() = 0;

 private:
  void open();
  void opened(unsigned attempt);
  void closed(unsigned attempt, const std::string& why);
  void retry_later();

  RedisStrand strand_;
  ClientSettings settings_;
  std::string role_;
  boost::asio::steady_timer backoff_timer_;
  std::chrono::milliseconds backoff_;
  bool stopped_ = true;
  unsigned attempt_ = 0;  // which connection the callbacks are about
  std::shared_ptr<RedisConnection> connection_;
  std::atomic<bool> connected_ = false;
};

}  // namespace agentd::redis
