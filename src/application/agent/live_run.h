// A run executing in this process: its event log, and the means to stop it. The run's
// coroutine is detached from the request that started it, so a run started in background
// mode outlives its client; otherwise the client's going cancels it.
#pragma once

#include <atomic>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <chrono>
#include <exception>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "application/agent/graph/cancellation.h"
#include "application/agent/run_event_log.h"
#include "application/ports/clock.h"
#include "application/ports/delay.h"

namespace agentd {

// Whether a run outlives the request that started it.
enum class Background { no, yes };

class LiveRun : public std::enable_shared_from_this<LiveRun> {
 public:
  // `last_event_id`: the id of the run's last stored event (a resumed run numbers on).
  LiveRun(const Clock& clock, std::string run_id, std::string conversation_id, std::string user_id,
          Background background, std::int64_t last_event_id = 0)
      : run_id_(std::move(run_id)),
        conversation_id_(std::move(conversation_id)),
        user_id_(std::move(user_id)),
        background_(background),
        resumed_after_(last_event_id),
        events_(clock, last_event_id) {}

  const std::string& run_id() const { return run_id_; }
  const std::string& conversation_id() const { return conversation_id_; }
  const std::string& user_id() const { return user_id_; }
  bool background() const { return background_ == Background::yes; }
  // The last event id of the run before this part began: 0 for a new run, else where the
  // pause left it. The part's own stream starts after it.
  std::int64_t resumed_after() const { return resumed_after_; }
  RunEventLog& events() { return events_; }
  const graph::Cancellation& cancellation() const { return cancellation_; }

  // Runs `work` on `executor`, detached from the caller; cancel() interrupts it. What `work`
  // lets escape ends the run as failed, so its readers see it. With several threads on the
  // io_context, `executor` must be a strand: cancel() emits on it, beside the run's own
  // operations.
  void start(boost::asio::any_io_executor executor, boost::asio::awaitable<void> work);
  // Asks the run to stop: between nodes, and inside whatever it is waiting for.
  void cancel();
  // Stops the run because another replica holds it now: it ends without storing anything,
  // since what it would store is no longer its to write.
  void abandon();
  bool abandoned() const { return abandoned_.load(); }

  // The terminal event (run.completed or error), waiting for it.
  boost::asio::awaitable<RunEvent> outcome();

 private:
  void let_go_of_executor();
  void end_as_failed(std::exception_ptr failure);

  std::string run_id_;
  std::string conversation_id_;
  std::string user_id_;
  Background background_;
  std::int64_t resumed_after_;
  RunEventLog events_;
  graph::Cancellation cancellation_;
  std::mutex mutex_;
  std::optional<boost::asio::any_io_executor> executor_;
  boost::asio::cancellation_signal signal_;  // only touched on executor_
  std::atomic<bool> abandoned_{false};
};

// Publishes an event of a run of this process for other replicas' readers.
using RunEventPublisher = std::function<void(const std::string& conversation_id,
                                             const std::string& run_id, const NumberedEvent&)>;

// The runs of this process by conversation: the current one, or the last one kept for a
// while after it ended so a reader can still catch up with its events. Finished runs are
// bounded in time and in number, so a busy server does not hold every recent run's events.
class LiveRuns {
 public:
  // `clock` dates the runs' ends; `delay` paces wait_until_ended.
  LiveRuns(const Clock& clock, Delay& delay,
           std::chrono::seconds keep_finished = std::chrono::seconds(300),
           std::size_t max_finished = 256)
      : clock_(clock), delay_(delay), keep_finished_(keep_finished), max_finished_(max_finished) {}

  // Every run added from now on also publishes its events through `publisher`.
  void publish_with(RunEventPublisher publisher);
  void add(std::shared_ptr<LiveRun> run);
  // The conversation's latest run, if this process still has it.
  std::shared_ptr<LiveRun> latest(const std::string& conversation_id) const;
  // The run, if this process has it.
  std::shared_ptr<LiveRun> find(const std::string& run_id) const;
  // The ids of the runs that have not ended yet.
  std::vector<std::string> running_ids() const;
  void forget(const std::string& conversation_id);
  std::size_t size() const;
  // How many runs have not ended yet.
  std::size_t running() const;
  // Waits until every run has ended, or until `deadline` (Clock::steady_now time); answers how
  // many still run. A run ends once its outcome is stored, so waiting here at shutdown loses no
  // finished work.
  boost::asio::awaitable<std::size_t> wait_until_ended(
      std::chrono::steady_clock::time_point deadline) const;

 private:
  void prune(std::chrono::steady_clock::time_point now);  // with mutex_ held

  const Clock& clock_;
  Delay& delay_;
  std::chrono::seconds keep_finished_;
  std::size_t max_finished_;
  mutable std::mutex mutex_;
  std::map<std::string, std::shared_ptr<LiveRun>> by_conversation_;
  RunEventPublisher publisher_;
};

}  // namespace agentd
