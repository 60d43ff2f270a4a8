// Runs that outlive their replica: this replica renews the leases of the runs it runs, lets
// go of those another replica took from it, and takes over the runs whose replica died
// (their lease ran out), continuing each from its last checkpoint.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "application/agent/live_run.h"
#include "application/conversations/conversation_runs.h"
#include "application/ports/clock.h"
#include "application/ports/run_event_feed.h"
#include "application/ports/run_repository.h"

namespace agentd {

struct LeaseSettings {
  std::string owner;                        // this replica's id
  std::chrono::milliseconds lease{15'000};  // renewed every quarter of it
  int batch = 16;                           // runs taken over per round at most
};

// What one round did.
struct LeaseRound {
  std::vector<std::string> abandoned;  // runs another replica holds now
  std::vector<Run> taken_over;         // as claimed: attempts counts this one
  std::vector<Error> errors;           // a round goes on past a failure, and says so
};

class RunLeases {
 public:
  // `feed`, when replicas share events, tells where a taken-over run's events go on.
  RunLeases(RunRepository& runs, ConversationRuns& conversation_runs, LiveRuns& live_runs,
            RunEventFeed* feed, const Clock& clock, LeaseSettings settings)
      : runs_(runs),
        conversation_runs_(conversation_runs),
        live_runs_(live_runs),
        feed_(feed),
        clock_(clock),
        settings_(std::move(settings)) {}

  const LeaseSettings& settings() const { return settings_; }
  std::chrono::milliseconds period() const { return settings_.lease / 4; }

  // Renews, lets go, and takes over what nobody holds.
  boost::asio::awaitable<LeaseRound> round();
  // At start on a store no other process shares (SQLite): every running run is this
  // replica's to continue, whatever its lease says.
  boost::asio::awaitable<LeaseRound> take_over_all();

 private:
  boost::asio::awaitable<void> take_over(std::vector<Run> claimed, LeaseRound& round);

  RunRepository& runs_;
  ConversationRuns& conversation_runs_;
  LiveRuns& live_runs_;
  RunEventFeed* feed_;
  const Clock& clock_;
  LeaseSettings settings_;
};

}  // namespace agentd
