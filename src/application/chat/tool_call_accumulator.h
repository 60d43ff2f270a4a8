// Assembles streamed tool-call fragments into complete tool calls.
#pragma once

#include <map>
#include <vector>

#include "application/ports/llm_provider.h"

namespace agentd {

// Fragments of one call share an index; the first usually carries the id and name, the rest
// carry pieces of the arguments' JSON text.
class ToolCallAccumulator {
 public:
  void add(const ToolCallDelta& fragment);
  void add(const std::vector<ToolCallDelta>& fragments);
  bool empty() const { return calls_.empty(); }
  // The calls so far, in index order, each with its argument pieces concatenated.
  std::vector<ModelToolCall> calls() const;

 private:
  std::map<int, ModelToolCall> calls_;
};

}  // namespace agentd
