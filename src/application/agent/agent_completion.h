// Agent mode of chat completions: the ReAct loop over the request's messages with the
// server's own tools, nothing stored. Tools that need approval are never offered here.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "application/agent/live_run.h"
#include "application/agent/react_agent.h"

namespace agentd {

struct AgentCompletionRequest {
  std::string model;  // public name; empty: the default
  std::vector<ChatMessage> messages;
  std::optional<std::vector<std::string>> tools;  // nullopt: every tool the caller may use
  std::optional<int> max_steps;
  SamplingOptions sampling;  // sent with every model call
};

struct StartedAgentRun {
  std::shared_ptr<LiveRun> live;
  std::string model;  // the public name of the model asked
};

class AgentCompletion {
 public:
  AgentCompletion(ReactAgent& agent, const ModelRouter& models, IdGenerator& ids,
                  const Clock& clock)
      : agent_(agent), models_(models), ids_(ids), clock_(clock) {}

  // Checks the request, then runs it detached on the caller's executor. Its events end with
  // run.completed (the answer in result.message, total usage in result.run) or error.
  boost::asio::awaitable<Result<StartedAgentRun>> start(const Principal& caller,
                                                        AgentCompletionRequest request);

 private:
  struct Job;
  boost::asio::awaitable<void> drive(std::shared_ptr<Job> job);

  ReactAgent& agent_;
  const ModelRouter& models_;
  IdGenerator& ids_;
  const Clock& clock_;
};

}  // namespace agentd
