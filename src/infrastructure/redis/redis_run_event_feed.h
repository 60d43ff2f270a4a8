// Run events on Redis Streams, one stream per run whose entry ids are the event ids, so a
// reader on any replica replays after an id and follows live. A PUBLISH after each event wakes
// the readers of other replicas, through on_published, at once rather than at their next poll.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "application/ports/run_event_feed.h"

namespace agentd::redis {

class RedisClient;

// The channel a run id is published on after each of its events.
inline constexpr std::string_view kRunEventsChannel = "agentd:run-events";

struct RunEventFeedSettings {
  std::size_t max_events_per_run = 10'000;  // MAXLEN ~: the oldest events go first
  std::chrono::milliseconds live_expiry{std::chrono::hours(1)};         // renewed by every event
  std::chrono::milliseconds expire_after_end{std::chrono::minutes(5)};  // after a last event
};

class RedisRunEventFeed final : public RunEventFeed {
 public:
  explicit RedisRunEventFeed(RedisClient& client, RunEventFeedSettings settings = {});

  void publish(const std::string& conversation_id, const std::string& run_id,
               FeedEvent event) override;
  boost::asio::awaitable<Result<std::optional<std::string>>> latest_run(
      std::string conversation_id) override;
  boost::asio::awaitable<Result<std::vector<FeedEvent>>> read_after(
      std::string run_id, std::int64_t after_id, std::chrono::milliseconds wait) override;
  boost::asio::awaitable<Result<std::int64_t>> last_id(std::string run_id) override;

  // Wakes this replica's readers waiting for the run's events; called for each message on
  // kRunEventsChannel, from any thread.
  void on_published(std::string_view run_id);

 private:
  struct Waiter;
  class WaiterRegistration;

  boost::asio::awaitable<Result<std::vector<FeedEvent>>> read_range(const std::string& run_id,
                                                                    std::int64_t after_id);

  RedisClient& client_;
  RunEventFeedSettings settings_;
  std::mutex waiters_mutex_;
  std::unordered_multimap<std::string, Waiter*> waiters_;  // by run id
};

}  // namespace agentd::redis
