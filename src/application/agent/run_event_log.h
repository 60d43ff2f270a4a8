// The events of one run, numbered and kept, so any number of readers can follow it live or
// catch up from an event id (Last-Event-ID). Numbering goes on across a run's pauses: a
// resumed run's log starts after the last id the run stored, and carries the events of the
// part before the pause when this process still has them. Thread-safe.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/experimental/concurrent_channel.hpp>
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

#include "application/agent/graph/event_sink.h"
#include "application/agent/run_event.h"
#include "application/ports/clock.h"

namespace agentd {

struct NumberedEvent {
  std::int64_t id = 0;
  RunEvent event;
};

class RunEventLog final : public graph::EventSink<RunEvent> {
 public:
  // The first event gets id last_id + 1; `clock` stamps when the log closes.
  explicit RunEventLog(const Clock& clock, std::int64_t last_id = 0)
      : clock_(clock), last_id_(last_id) {}

  // Also hands every event emitted from now on to `mirror`, in id order (under the log's
  // lock, so it must not block): how other replicas' readers get them.
  void mirror_to(std::function<void(const NumberedEvent&)> mirror);
  // Takes the events of the same run's earlier log, before any event is emitted here.
  void carry_over(const RunEventLog& earlier);
  void emit(RunEvent event) override;
  // The id of the last event emitted (or carried over, or stored before this log began).
  std::int64_t last_id() const;
  // No event follows; readers waiting are woken.
  void close();
  bool closed() const;
  // When the log was closed; nullopt while the run goes on.
  std::optional<std::chrono::steady_clock::time_point> closed_at() const;

  // The events after `after_id`, waiting until there is at least one; empty once the log is
  // closed and the reader has seen everything.
  boost::asio::awaitable<std::vector<NumberedEvent>> read_after(std::int64_t after_id);

 private:
  using Wakeup = boost::asio::experimental::concurrent_channel<void(boost::system::error_code)>;
  void wake_all();  // with mutex_ held

  const Clock& clock_;
  mutable std::mutex mutex_;
  // A deque: growing never copies the events, and never holds twice the room they need.
  std::deque<NumberedEvent> events_;
  std::int64_t last_id_;
  std::vector<std::shared_ptr<Wakeup>> waiting_;
  std::optional<std::chrono::steady_clock::time_point> closed_at_;
  std::function<void(const NumberedEvent&)> mirror_;
};

}  // namespace agentd
