// Limits of the agent loop, from configuration.
#pragma once

#include <chrono>
#include <cstddef>

namespace agentd {

struct AgentSettings {
  int default_max_steps = 8;
  int max_steps_limit = 50;                      // the most a request may ask for
  std::size_t tool_concurrency = 4;              // tool calls of one step running at once
  std::chrono::seconds approval_ttl{24 * 3600};  // a pending approval expires after this
};

}  // namespace agentd
