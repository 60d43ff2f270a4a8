// The ReAct agent as a graph: load the history, call the model (streaming), run the tools
// it asked for (concurrently, each with its timeout), and call the model again, until it
// answers without tools. At the step limit the model is asked once more without tools, so
// a run ends with an answer rather than an error.
//
//   load_history -> call_model --(tool calls)--> check_approval -> execute_tools
//                             --(answer)-------> end                    |
//                  call_model <--(nothing awaits a person)--------------+
//                  pause -> end <--(some calls await a person)----------+
//
// execute_tools runs the calls that need no approval (and those a person decided on); a
// paused run resumes at check_approval with the decisions in its state. Calls of tools the
// client runs itself (state.client_tools) stay pending and end the run after the round.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "application/agent/agent_memory.h"
#include "application/agent/agent_settings.h"
#include "application/agent/agent_state.h"
#include "application/agent/context_fit.h"
#include "application/agent/graph/graph.h"
#include "application/agent/graph/graph_runner.h"
#include "application/agent/run_event.h"
#include "application/chat/model_router.h"
#include "application/ports/id_generator.h"
#include "application/tools/execute_tool.h"
#include "application/tools/tool_registry.h"

namespace agentd {

// Whether a run may offer tools that need approval: only runs that can pause may.
enum class WithApproval { no, yes };

// One run's surroundings: who asks, where its messages go, who listens.
struct AgentContext {
  const Principal& caller;
  AgentMemory& memory;
  graph::EventSink<RunEvent>& events;
  std::string run_id;
  std::optional<std::string> conversation_id;  // recorded with each tool execution
  const graph::Cancellation* cancellation = nullptr;
  bool checkpointed = false;  // stored runs keep a checkpoint after every node
  // Set by ReactAgent::run on checkpointed runs: saves the state inside the running node.
  std::function<boost::asio::awaitable<Status>(const AgentState&)> save_progress = nullptr;
};

using AgentGraph = graph::Graph<AgentState, RunEvent>;

class ReactAgent {
 public:
  ReactAgent(ModelRouter& models, ExecuteTool& tools, const ToolRegistry& registry,
             CheckpointStore* checkpoints, IdGenerator& ids, const Clock& clock,
             AgentSettings settings);

  const AgentSettings& settings() const { return settings_; }

  // Runs from `start` (a default Start: the beginning); the state names the model, the tools
  // offered and the step limit. The graph ends early when calls await approval: then
  // state.awaiting_approval is not empty.
  boost::asio::awaitable<graph::Report> run(AgentContext& context, AgentState& state,
                                            graph::Start start);
  // Drops from a just-loaded history the older turns its first model call cannot send
  // (context_fit.h), so that they are neither copied nor checkpointed. Answers how many
  // messages the run has left out so far; state.messages is what that call sends.
  int keep_what_fits(const Principal& caller, AgentState& state) const;
  // Where a paused run continues once state.decisions holds the decisions.
  static graph::Start resume_point(int steps);

  // The state a run starts from: the requested tools checked (else the caller's defaults)
  // and the step limit checked. `param_prefix` qualifies the fields named in errors.
  Result<AgentState> initial_state(const Principal& caller, std::string model,
                                   const std::optional<std::vector<std::string>>& tools,
                                   std::optional<int> max_steps, WithApproval with_approval,
                                   std::string_view param_prefix) const;

  // The tools `caller` may be offered by default: those it may use, without the ones that
  // need approval unless `with_approval` (only runs that can pause may offer them).
  std::vector<std::string> default_tools(const Principal& caller, WithApproval with_approval) const;
  // Checks a requested tool list: each tool exists, the caller may use it, and it needs no
  // approval unless `with_approval`. Returns the names in order without duplicates.
  Result<std::vector<std::string>> choose_tools(const Principal& caller,
                                                const std::vector<std::string>& requested,
                                                WithApproval with_approval) const;

 private:
  AgentGraph build(AgentContext& context);
  int node_limit(const AgentState& state) const;

  boost::asio::awaitable<Status> load_history(AgentContext& context, AgentState& state);
  boost::asio::awaitable<Status> call_model(AgentContext& context, AgentState& state);
  boost::asio::awaitable<Status> check_approval(AgentContext& context, AgentState& state);
  boost::asio::awaitable<Status> execute_tools(AgentContext& context, AgentState& state);
  boost::asio::awaitable<ToolResult> execute_one(AgentContext& context, const AgentState& state,
                                                 const ModelToolCall& call);
  std::vector<ToolDefinition> definitions(const std::vector<std::string>& names) const;
  // The definitions sent to the model: the run's tools, then the client's own.
  std::vector<ToolDefinition> offered_tools(const AgentState& state) const;
  // The limits of the model the run calls; none when it does not resolve or has no window.
  std::optional<ContextLimits> context_window_of(const Principal& caller,
                                                 const AgentState& state) const;
  // What the next call sends of the history (context_fit.h), or all of it when truncation
  // is disabled; `tool_tokens` estimates the tool definitions sent with it.
  FittedHistory fit_for_call(const AgentState& state, const std::optional<ContextLimits>& window,
                             std::int64_t tool_tokens) const;
  bool is_idempotent(const std::string& tool) const;

  // Saves a tool round's progress as calls finish, one save at a time and the last one
  // with every finished call: concurrent saves could land out of order.
  class ProgressJournal {
   public:
    boost::asio::awaitable<void> save(AgentContext& context, const AgentState& state);

   private:
    bool saving_ = false;
    bool dirty_ = false;
  };

  ModelRouter& models_;
  ExecuteTool& tools_;
  const ToolRegistry& registry_;
  CheckpointStore* checkpoints_;
  IdGenerator& ids_;
  const Clock& clock_;
  AgentSettings settings_;
};

// What the model reads as a tool's answer: the result's JSON, or the error explained.
std::string tool_message_content(const ToolResult& result);
ChatMessage tool_message(const ToolResult& result);
// The result of a call a person rejected (or let expire), with the reason the model reads.
ToolResult rejected_call(const ModelToolCall& call, std::string_view reason);
// The result of a call that never ran (cancelled, interrupted), so its turn stays valid.
ToolResult not_run(const ModelToolCall& call, std::string reason);
// A call of a tool the client runs itself: it stays pending until the client's next turn.
bool is_client_call(const AgentState& state, const ModelToolCall& call);
// The result of a call that had started when its replica died: it may or may not have acted.
ToolResult interrupted_call(const ModelToolCall& call);

}  // namespace agentd
