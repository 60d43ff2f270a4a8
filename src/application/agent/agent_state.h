// The state of one ReAct run: everything needed to continue it, and nothing else (it is
// what a checkpoint stores).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "application/ports/llm_provider.h"
#include "domain/conversation/conversation.h"
#include "domain/identity/principal.h"

namespace agentd {

// A person's decision on one tool call, applied when a paused run resumes.
struct ToolDecision {
  bool approved = false;
  std::string reason;
  std::optional<std::string> arguments;  // edited JSON text to run the call with

  bool operator==(const ToolDecision&) const = default;
};

// The caller's sampling settings, sent with every model call of the run.
struct SamplingOptions {
  std::optional<double> temperature;
  std::optional<double> top_p;
  std::optional<std::int64_t> max_tokens;
  std::optional<std::int64_t> seed;
  std::optional<std::string> user;
  // How the model may use tools, and the shape of its answer, as the caller sent them.
  std::optional<boost::json::value> tool_choice;
  std::optional<bool> parallel_tool_calls;
  std::optional<boost::json::value> response_format;

  bool operator==(const SamplingOptions&) const = default;
};

struct AgentState {
  std::string model;               // the public model name asked for; empty: the default
  std::vector<std::string> tools;  // the tools offered to the model
  // Tools the client runs itself (the Responses API's function tools): offered to the model,
  // never run here. A call to one ends the run, to be answered by the client's next turn.
  std::vector<ToolDefinition> client_tools;
  int max_steps = 8;                  // model calls with tools; one more answers without them
  int steps = 0;                      // model calls made
  std::vector<ChatMessage> messages;  // what the model sees next
  std::vector<ModelToolCall> pending_calls;  // asked for by the last answer, not yet run
  Usage usage;                               // summed over every model call
  SamplingOptions sampling;
  std::string answered_by;  // the model that served the last call
  // Pending calls that wait for a person (by tool_call_id); the run pauses on them.
  std::vector<std::string> awaiting_approval;
  // Decisions on awaited calls, by tool_call_id, until the calls have run.
  std::map<std::string, ToolDecision> decisions;
  // The tool round in progress, so a replica that takes the run over neither runs a finished
  // call again nor runs a started one blindly: the calls that were started (by
  // tool_call_id), and the answers of those that finished.
  std::vector<std::string> started_calls;
  std::map<std::string, ChatMessage> finished_calls;
  // Whose permissions the run has: the credential that started it, as it was then. A run
  // resumed by an approver keeps the starter's tool list and approval list, not the
  // approver's.
  std::optional<Principal> caller;
  // Fitting the history to the model's context window (context_fit.h).
  Truncation truncation = Truncation::automatic;
  double token_ratio = 0;     // the upstream's tokens per estimated token; 0: not known yet
  int messages_sent = 0;      // by the latest model call, system prompt included
  int messages_left_out = 0;  // older messages that call did not send
  // Older messages dropped from `messages` when the run loaded its history: they could not
  // fit, and carrying them would cost every checkpoint.
  int history_left_out = 0;
  int context_retries = 0;  // calls sent again, shorter, after the upstream refused them
  // The latest answer stopped at the output token limit (max_tokens), not where the model
  // meant to stop.
  bool cut_short = false;
};

}  // namespace agentd
