// Run events shared between replicas: the replica that runs a run publishes each event, and a
// reader on any replica replays after an event id and follows live. Without one (a single
// replica) the events stay in this process's LiveRuns.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "domain/common/result.h"

namespace agentd {

// One event as readers receive it: its SSE name and JSON data.
struct FeedEvent {
  std::int64_t id = 0;
  std::string name;
  std::string data;
  bool last = false;  // the run's terminal event for now (run.completed or error)
};

class RunEventFeed {
 public:
  virtual ~RunEventFeed() = default;

  // Publishes one event of a run in a conversation; events of a run are published in id
  // order. Never waits: a failure is logged, and readers of this replica still have the
  // in-process log.
  virtual void publish(const std::string& conversation_id, const std::string& run_id,
                       FeedEvent event) = 0;
  // The run the conversation's last published events belong to, if any is known.
  virtual boost::asio::awaitable<Result<std::optional<std::string>>> latest_run(
      std::string conversation_id) = 0;
  // The run's events after `after_id`, waiting up to `wait` for at least one: empty when none
  // came in that time.
  virtual boost::asio::awaitable<Result<std::vector<FeedEvent>>> read_after(
      std::string run_id, std::int64_t after_id, std::chrono::milliseconds wait) = 0;
  // The id of the run's last published event; 0 when none. A replica that takes a run over
  // numbers on from here.
  virtual boost::asio::awaitable<Result<std::int64_t>> last_id(std::string run_id) = 0;
};

}  // namespace agentd
