// AgentState as JSON text: what a checkpoint stores, and how it is read back.
#pragma once

#include <string>

#include "application/agent/agent_state.h"

namespace agentd {

std::string encode_agent_state(const AgentState& state);
Result<AgentState> decode_agent_state(const std::string& text);

}  // namespace agentd
