// The state of one ReAct run: everything needed to continue it, and nothing else (it is
// what a checkpoint stores).
#pragma once

#include <string>
#include <vector>

#include "application/ports/llm_provider.h"

namespace agentd {

struct AgentState {
  std::string model;               // the public model name asked for; empty: the default
  std::vector<std::string> tools;  // the tools offered to the model
  int max_steps = 8;               // model calls with tools; one more answers without them
  int steps = 0;                   // model calls made
  std::vector<ChatMessage> messages;         // what the model sees next
  std::vector<ModelToolCall> pending_calls;  // asked for by the last answer, not yet run
  Usage usage;                               // summed over every model call
  std::string answered_by;                   // the model that served the last call
};

}  // namespace agentd
