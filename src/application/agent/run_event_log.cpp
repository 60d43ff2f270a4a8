#include "application/agent/run_event_log.h"

#include <algorithm>

#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace agentd {

void RunEventLog::emit(RunEvent event) {
  std::lock_guard lock(mutex_);
  if (closed_at_) return;
  const auto id = static_cast<std::int64_t>(events_.size()) + 1;
  events_.push_back(NumberedEvent{id, std::move(event)});
  wake_all();
}

void RunEventLog::close() {
  std::lock_guard lock(mutex_);
  if (!closed_at_) closed_at_ = std::chrono::steady_clock::now();
  wake_all();
}

bool RunEventLog::closed() const {
  std::lock_guard lock(mutex_);
  return closed_at_.has_value();
}

std::optional<std::chrono::steady_clock::time_point> RunEventLog::closed_at() const {
  std::lock_guard lock(mutex_);
  return closed_at_;
}

void RunEventLog::wake_all() {
  // A full channel already holds a wakeup: nothing is lost by a failed try_send.
  for (auto& waiter : waiting_) waiter->try_send(boost::system::error_code{});
  waiting_.clear();
}

boost::asio::awaitable<std::vector<NumberedEvent>> RunEventLog::read_after(std::int64_t after_id) {
  auto executor = co_await boost::asio::this_coro::executor;
  for (;;) {
    std::shared_ptr<Wakeup> wakeup;
    {
      std::lock_guard lock(mutex_);
      const auto first = static_cast<std::size_t>(std::max<std::int64_t>(after_id, 0));
      if (first < events_.size()) {
        co_return std::vector<NumberedEvent>(events_.begin() + static_cast<std::ptrdiff_t>(first),
                                             events_.end());
      }
      if (closed_at_) co_return std::vector<NumberedEvent>{};
      wakeup = std::make_shared<Wakeup>(executor, 1);
      waiting_.push_back(wakeup);
    }
    co_await wakeup->async_receive(boost::asio::use_awaitable);
  }
}

}  // namespace agentd
