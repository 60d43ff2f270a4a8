// How much a model reads and writes at most, in tokens: what a run fits its history to.
#pragma once

#include <cstdint>
#include <string_view>

namespace agentd {

struct ContextLimits {
  std::int64_t context_window = 0;     // prompt and answer together
  std::int64_t max_output_tokens = 0;  // kept free for the answer when a request sets none

  bool operator==(const ContextLimits&) const = default;
};

// The published limits of the model families agentd names (GPT-4o, GPT-4.1, o-series,
// Claude), by upstream model id; a conservative 32,768 / 4,096 for any other model.
ContextLimits default_context_limits(std::string_view upstream_model);

}  // namespace agentd
