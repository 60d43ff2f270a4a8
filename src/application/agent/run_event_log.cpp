#include "application/agent/run_event_log.h"

#include <algorithm>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace agentd {

void RunEventLog::carry_over(const RunEventLog& earlier) {
  std::scoped_lock lock(mutex_, earlier.mutex_);
  events_.insert(events_.begin(), earlier.events_.begin(), earlier.events_.end());
  last_id_ = std::max(last_id_, earlier.last_id_);
}

void RunEventLog::emit(RunEvent event) {
  std::lock_guard lock(mutex_);
  if (closed_at_) return;
  events_.push_back(NumberedEvent{++last_id_, std::move(event)});
  if (mirror_) mirror_(events_.back());
  wake_all();
}

void RunEventLog::mirror_to(std::function<void(const NumberedEvent&)> mirror) {
  std::lock_guard lock(mutex_);
  mirror_ = std::move(mirror);
}

std::int64_t RunEventLog::last_id() const {
  std::lock_guard lock(mutex_);
  return last_id_;
}

void RunEventLog::close() {
  std::lock_guard lock(mutex_);
  if (!closed_at_) closed_at_ = clock_.steady_now();
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
      // Ids ascend, with gaps only where a stored run's events are not in this process.
      auto first = std::upper_bound(
          events_.begin(), events_.end(), after_id,
          [](std::int64_t id, const NumberedEvent& event) { return id < event.id; });
      if (first != events_.end()) co_return std::vector<NumberedEvent>(first, events_.end());
      if (closed_at_) co_return std::vector<NumberedEvent>{};
      wakeup = std::make_shared<Wakeup>(executor, 1);
      waiting_.push_back(wakeup);
    }
    co_await wakeup->async_receive(boost::asio::use_awaitable);
  }
}

}  // namespace agentd
