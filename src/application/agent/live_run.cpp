#include "application/agent/live_run.h"

#include <algorithm>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <vector>

namespace agentd {

void LiveRun::start(boost::asio::any_io_executor executor, boost::asio::awaitable<void> work) {
  {
    std::lock_guard lock(mutex_);
    executor_ = executor;
  }
  boost::asio::co_spawn(
      executor, std::move(work),
      boost::asio::bind_cancellation_slot(signal_.slot(),
                                          [self = shared_from_this()](std::exception_ptr failure) {
                                            self->let_go_of_executor();
                                            if (failure) self->end_as_failed(failure);
                                          }));
}

// An ended run has nothing left to cancel, and the registry may keep it for longer than the
// io_context lives, which a strand of that context (here and in the signal's handler) must
// not. Called on the run's executor, the only one that touches the signal.
void LiveRun::let_go_of_executor() {
  signal_.slot().clear();
  std::lock_guard lock(mutex_);
  executor_.reset();
}

void LiveRun::end_as_failed(std::exception_ptr failure) {
  std::string what = "unknown exception";
  try {
    std::rethrow_exception(failure);
  } catch (const std::exception& e) {
    what = e.what();
  } catch (...) {
  }
  // A closed log ignores this: the run had already told its readers how it ended.
  events_.emit(RunFailed{Error::internal("the run failed unexpectedly: " + what), std::nullopt});
  events_.close();
}

void LiveRun::cancel() {
  cancellation_.request();
  std::optional<boost::asio::any_io_executor> executor;
  {
    std::lock_guard lock(mutex_);
    executor = executor_;
  }
  if (!executor) return;
  // The signal belongs to the run's executor; emitting from another thread would race.
  boost::asio::post(*executor, [self = shared_from_this()] {
    self->signal_.emit(boost::asio::cancellation_type::terminal);
  });
}

void LiveRun::abandon() {
  abandoned_ = true;
  cancel();
}

boost::asio::awaitable<RunEvent> LiveRun::outcome() {
  // Events carried over from before a pause end that part, not this one.
  std::int64_t seen = resumed_after_;
  for (;;) {
    auto events = co_await events_.read_after(seen);
    if (events.empty())
      co_return RunEvent{
          RunFailed{Error::internal("the run ended without an outcome"), std::nullopt}};
    for (auto& numbered : events) {
      if (is_terminal(numbered.event)) co_return std::move(numbered.event);
      seen = numbered.id;
    }
  }
}

void LiveRuns::publish_with(RunEventPublisher publisher) {
  std::lock_guard lock(mutex_);
  publisher_ = std::move(publisher);
}

void LiveRuns::add(std::shared_ptr<LiveRun> run) {
  std::lock_guard lock(mutex_);
  if (publisher_) {
    run->events().mirror_to(
        [publisher = publisher_, conversation = run->conversation_id(),
         id = run->run_id()](const NumberedEvent& event) { publisher(conversation, id, event); });
  }
  prune(clock_.steady_now());
  auto conversation = run->conversation_id();
  by_conversation_.insert_or_assign(std::move(conversation), std::move(run));
}

std::shared_ptr<LiveRun> LiveRuns::latest(const std::string& conversation_id) const {
  std::lock_guard lock(mutex_);
  auto it = by_conversation_.find(conversation_id);
  return it == by_conversation_.end() ? nullptr : it->second;
}

std::shared_ptr<LiveRun> LiveRuns::find(const std::string& run_id) const {
  std::lock_guard lock(mutex_);
  for (const auto& [conversation, run] : by_conversation_) {
    if (run->run_id() == run_id) return run;
  }
  return nullptr;
}

std::vector<std::string> LiveRuns::running_ids() const {
  std::lock_guard lock(mutex_);
  std::vector<std::string> ids;
  for (const auto& [conversation, run] : by_conversation_) {
    if (!run->events().closed()) ids.push_back(run->run_id());
  }
  return ids;
}

void LiveRuns::forget(const std::string& conversation_id) {
  std::lock_guard lock(mutex_);
  by_conversation_.erase(conversation_id);
}

std::size_t LiveRuns::size() const {
  std::lock_guard lock(mutex_);
  return by_conversation_.size();
}

std::size_t LiveRuns::running() const {
  std::lock_guard lock(mutex_);
  return static_cast<std::size_t>(
      std::count_if(by_conversation_.begin(), by_conversation_.end(),
                    [](const auto& item) { return !item.second->events().closed(); }));
}

boost::asio::awaitable<std::size_t> LiveRuns::wait_until_ended(
    std::chrono::steady_clock::time_point deadline) const {
  for (;;) {
    const auto left = running();
    const auto now = clock_.steady_now();
    if (left == 0 || now >= deadline) co_return left;
    // Polled, like the server's own drain: only shutdown waits here. Rounded up, so the last
    // wait reaches the deadline instead of spinning short of it.
    const auto pause = std::min<std::chrono::milliseconds>(
        std::chrono::milliseconds(20),
        std::chrono::ceil<std::chrono::milliseconds>(deadline - now));
    co_await delay_.wait(pause);
  }
}

void LiveRuns::prune(std::chrono::steady_clock::time_point now) {
  // Counted from the run's end, not its start: a long run's readers still catch up.
  std::erase_if(by_conversation_, [&](const auto& item) {
    const auto ended = item.second->events().closed_at();
    return ended && now - *ended > keep_finished_;
  });
  // Over the limit, the runs that ended first go first.
  std::vector<std::pair<std::chrono::steady_clock::time_point, std::string>> finished;
  for (const auto& [conversation, run] : by_conversation_) {
    if (auto ended = run->events().closed_at()) finished.emplace_back(*ended, conversation);
  }
  if (finished.size() <= max_finished_) return;
  const auto excess = static_cast<std::ptrdiff_t>(finished.size() - max_finished_);
  std::nth_element(finished.begin(), finished.begin() + excess, finished.end());
  for (auto it = finished.begin(); it != finished.begin() + excess; ++it) {
    by_conversation_.erase(it->second);
  }
}

}  // namespace agentd
