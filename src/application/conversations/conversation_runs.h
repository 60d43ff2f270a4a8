// Takes a user's message through the agent in a stored conversation: claims the
// conversation (one run at a time), stores the message, and runs the ReAct graph detached
// from the request, publishing its events. The run is stored as it ends: completed, failed,
// or cancelled with what it produced so far.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "application/agent/live_run.h"
#include "application/agent/react_agent.h"
#include "application/ports/clock.h"
#include "application/ports/conversation_repository.h"
#include "application/ports/id_generator.h"

namespace agentd {

struct TurnRequest {
  std::string conversation_id;
  std::string message;
  std::optional<std::string> model;                // else the conversation's, else the default
  std::optional<std::vector<std::string>> tools;   // else every tool the caller may use
  std::optional<int> max_steps;
  bool background = false;  // keep running when the client goes away
};

class ConversationRuns {
 public:
  ConversationRuns(ConversationRepository& conversations, ReactAgent& agent,
                   const ModelRouter& models, LiveRuns& live_runs, IdGenerator& ids,
                   const Clock& clock)
      : conversations_(conversations), agent_(agent), models_(models), live_runs_(live_runs),
        ids_(ids), clock_(clock) {}

  // Started on the caller's executor; 404 for a foreign conversation, 409 run_in_progress
  // when it already has a run, 4xx for a bad model, tool list or step count.
  boost::asio::awaitable<Result<std::shared_ptr<LiveRun>>> start(const Principal& caller,
                                                                 TurnRequest request);

  // How a started run ended: its RunResult (also when it failed), or an error when not
  // even that could be stored.
  static boost::asio::awaitable<Result<RunResult>> wait(LiveRun& run);

 private:
  struct Job;
  boost::asio::awaitable<void> drive(std::shared_ptr<Job> job);
  boost::asio::awaitable<void> finish(Job& job, const graph::Report& report);

  ConversationRepository& conversations_;
  ReactAgent& agent_;
  const ModelRouter& models_;
  LiveRuns& live_runs_;
  IdGenerator& ids_;
  const Clock& clock_;
};

}  // namespace agentd
