// Bounds a socket's operations by a deadline with one timer wait for many operations: arming
// it again with a later deadline costs no timer operation, where racing every operation
// against a timer of its own costs two coroutines and a timer each. Past the deadline it
// cancels the socket's pending operation, which then fails with operation_aborted; `fired()`
// tells that apart from a cancellation that came from the caller.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <memory>

#include "infrastructure/net/deadline.h"

namespace agentd::net {

class SocketWatchdog {
 public:
  SocketWatchdog() = default;
  SocketWatchdog(const SocketWatchdog&) = delete;
  SocketWatchdog& operator=(const SocketWatchdog&) = delete;
  ~SocketWatchdog() { disarm(); }

  // Watches `socket` until `deadline`. The timer's handler runs on `executor`, which must be
  // the one the reads run on.
  void arm(const boost::asio::any_io_executor& executor, boost::asio::ip::tcp::socket& socket,
           Deadline deadline);
  // Stops watching; required before the socket goes away or to another owner.
  void disarm();
  bool fired() const { return state_ && state_->fired; }

 private:
  struct State {
    explicit State(const boost::asio::any_io_executor& executor) : timer(executor) {}
    boost::asio::steady_timer timer;
    Deadline deadline{};
    boost::asio::ip::tcp::socket* socket = nullptr;  // null while disarmed
    bool is_waiting = false;
    bool fired = false;
  };
  static void wait(const std::shared_ptr<State>& state);

  // Shared with the pending handler, which may run after this object is gone.
  std::shared_ptr<State> state_;
};

}  // namespace agentd::net
