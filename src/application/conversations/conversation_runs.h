// Takes a user's message through the agent in a stored conversation: claims the
// conversation (one run at a time), stores the message, and runs the ReAct graph detached
// from the request, publishing its events. The run is stored as it ends: completed, failed,
// or cancelled with what it produced so far.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "application/agent/live_run.h"
#include "application/agent/react_agent.h"
#include "application/conversations/run_part_observer.h"
#include "application/ports/clock.h"
#include "application/ports/conversation_repository.h"
#include "application/ports/delay.h"
#include "application/ports/id_generator.h"
#include "application/ports/run_repository.h"
#include "domain/conversation/approval_policy.h"

namespace agentd {

// POST …/approve: a decision per pending call, or the short form deciding all of them.
struct ApproveRequest {
  std::string conversation_id;
  std::vector<ApprovalDecision> decisions;
  std::optional<bool> approve_all;  // the short form
  std::string reason;               // the short form's reason
  bool background = false;
};

struct TurnRequest {
  std::string conversation_id;
  std::string message;  // the user's message; may be empty when `input` is not
  // Further messages stored before the run, in order, after `message`: a client's turn as
  // the Responses API sends it (messages, and tool results for calls the client ran).
  std::vector<ChatMessage> input;
  std::optional<std::string> instructions;   // the system prompt of this run only
  std::vector<ToolDefinition> client_tools;  // tools the client runs (AgentState::client_tools)
  SamplingOptions sampling;
  std::optional<std::string> run_id;              // the id the run takes; else a new one
  std::optional<std::string> model;               // else the conversation's, else the default
  std::optional<std::vector<std::string>> tools;  // else every tool the caller may use
  std::optional<int> max_steps;
  std::optional<Truncation> truncation;  // else the conversation's
  bool background = false;               // keep running when the client goes away
};

class ConversationRuns {
 public:
  ConversationRuns(ConversationRepository& conversations, RunRepository& runs,
                   CheckpointStore& checkpoints, ReactAgent& agent, const ModelRouter& models,
                   const ToolRegistry& tools, LiveRuns& live_runs, IdGenerator& ids,
                   const Clock& clock, Delay& delay)
      : conversations_(conversations),
        runs_(runs),
        checkpoints_(checkpoints),
        agent_(agent),
        models_(models),
        tools_(tools),
        live_runs_(live_runs),
        ids_(ids),
        clock_(clock),
        delay_(delay) {}

  // Started on the caller's executor; 404 for a foreign conversation, 409 run_in_progress
  // when it already has a run, 4xx for a bad model, tool list or step count.
  boost::asio::awaitable<Result<std::shared_ptr<LiveRun>>> start(const Principal& caller,
                                                                 TurnRequest request);

  // Records a person's decisions on a paused run and resumes it from its checkpoint:
  // approved calls run once (with edited arguments when given), rejected and expired ones
  // answer the model with the rejection. 404 for a foreign conversation, 409
  // not_awaiting_approval when nothing is pending (or another decision won), 400 for
  // decisions that do not match the pending calls or edited arguments that do not fit.
  boost::asio::awaitable<Result<std::shared_ptr<LiveRun>>> approve(const Principal& caller,
                                                                   ApproveRequest request);

  // Continues a run this replica took over from one that died (its lease ran out), in the
  // background, from its last checkpoint, with the permissions of whoever started it. Its
  // events number on after `last_event_id`. A run that never reached a checkpoint, or whose
  // cancel was asked for, ends (failed or cancelled) instead. Returns the run now going on,
  // or null when it ended here.
  boost::asio::awaitable<Result<std::shared_ptr<LiveRun>>> take_over(Run run,
                                                                     std::int64_t last_event_id);

  // Tells `observer` of every part of a run that ends from now on; set once, at wiring.
  void observe_with(RunPartObserver& observer) { observer_ = &observer; }

  // How a started run ended: its RunResult (also when it failed), or an error when not
  // even that could be stored.
  static boost::asio::awaitable<Result<RunResult>> wait(LiveRun& run);

 private:
  struct Job;
  boost::asio::awaitable<void> drive(std::shared_ptr<Job> job);
  boost::asio::awaitable<void> finish(Job& job, graph::Report report);
  // Ends a taken-over run that cannot go on, as `status` with `why`.
  boost::asio::awaitable<Status> end_taken_over(Run run, RunStatus status, std::string why);
  // Stores how a run ended after the first try found the database unavailable: tries again,
  // for a while, so a run cut short by an outage ends failed (not running) once it is back.
  boost::asio::awaitable<Status> store_end_when_back(const Run& run);
  // Stores the pause; false when it could not be stored (the run then fails).
  boost::asio::awaitable<Status> pause(Job& job, const graph::Report& report);
  // A paused run whose approvals all expired gives its conversation back: each awaited
  // call is answered as rejected ("expired") and the run ends cancelled. False when
  // something is still pending.
  boost::asio::awaitable<Result<bool>> release_expired_pause(const Principal& caller,
                                                             const Conversation& conversation);
  Result<std::vector<Approval>> decide_all(const Principal& caller,
                                           const std::vector<Approval>& pending,
                                           const ApproveRequest& request) const;

  ConversationRepository& conversations_;
  RunRepository& runs_;
  CheckpointStore& checkpoints_;
  ReactAgent& agent_;
  const ModelRouter& models_;
  const ToolRegistry& tools_;
  LiveRuns& live_runs_;
  IdGenerator& ids_;
  const Clock& clock_;
  Delay& delay_;
  RunPartObserver* observer_ = nullptr;
};

}  // namespace agentd
