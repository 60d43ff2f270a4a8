#include "infrastructure/net/socket_watchdog.h"

namespace agentd::net {

void SocketWatchdog::arm(const boost::asio::any_io_executor& executor,
                         boost::asio::ip::tcp::socket& socket, Deadline deadline) {
  if (!state_) state_ = std::make_shared<State>(executor);
  state_->socket = &socket;
  state_->fired = false;
  state_->deadline = deadline;
  if (!state_->is_waiting) {
    wait(state_);
  } else if (deadline < state_->timer.expiry()) {
    // The pending wait would fire too late; its handler starts a new one.
    state_->timer.cancel();
  }
}

void SocketWatchdog::disarm() {
  if (!state_) return;
  state_->socket = nullptr;
  // No wait may outlive the watch: it would keep the io_context busy until its deadline.
  if (state_->is_waiting) state_->timer.cancel();
}

void SocketWatchdog::wait(const std::shared_ptr<State>& state) {
  state->is_waiting = true;
  state->timer.expires_at(state->deadline);
  state->timer.async_wait([state](const boost::system::error_code&) {
    state->is_waiting = false;
    if (!state->socket) return;  // disarmed
    if (std::chrono::steady_clock::now() < state->deadline) {
      wait(state);  // the deadline moved while this wait ran
      return;
    }
    state->fired = true;
    boost::system::error_code ignored;
    state->socket->cancel(ignored);
  });
}

}  // namespace agentd::net
