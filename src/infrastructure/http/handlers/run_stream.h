// Sends a live run's events as named SSE events, from an event id on, until the run ends.
// A client that goes away cancels the run unless it was started in background mode.
#pragma once

#include <cstdint>
#include <memory>

#include "application/agent/live_run.h"
#include "application/ports/run_event_feed.h"
#include "infrastructure/http/http_message.h"

namespace agentd::http {

// The owner's response started the run, so its client's going cancels it (unless the run is
// in background mode); a follower's going never does.
enum class StreamRole { owner, follower };

Response run_event_stream(std::shared_ptr<LiveRun> run, std::int64_t after_id, StreamRole role);

// Follows a run another replica runs through the shared feed, from an event id on, until its
// terminal event. A feed that fails ends the stream with an error event; the client
// reconnects with Last-Event-ID.
Response feed_event_stream(RunEventFeed& feed, std::string run_id, std::int64_t after_id);

// Stops a run when the response that drives it is abandoned before the run ended.
class CancelRunUnlessDone {
 public:
  CancelRunUnlessDone(std::shared_ptr<LiveRun> run, StreamRole role)
      : run_(std::move(run)), owner_(role == StreamRole::owner) {}
  ~CancelRunUnlessDone() {
    if (owner_ && !done_ && !run_->background()) run_->cancel();
  }
  CancelRunUnlessDone(const CancelRunUnlessDone&) = delete;
  CancelRunUnlessDone& operator=(const CancelRunUnlessDone&) = delete;
  void done() { done_ = true; }

 private:
  std::shared_ptr<LiveRun> run_;
  bool owner_;
  bool done_ = false;
};

}  // namespace agentd::http
