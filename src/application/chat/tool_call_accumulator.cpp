#include "application/chat/tool_call_accumulator.h"

namespace agentd {

void ToolCallAccumulator::add(const ToolCallDelta& fragment) {
  auto& call = calls_[fragment.index];
  // Some servers repeat the id and name on every fragment, or send them empty after the
  // first: only a non-empty value replaces what is known.
  if (fragment.id && !fragment.id->empty()) call.id = *fragment.id;
  if (fragment.name && !fragment.name->empty()) call.name = *fragment.name;
  call.arguments += fragment.arguments;
}

void ToolCallAccumulator::add(const std::vector<ToolCallDelta>& fragments) {
  for (const auto& fragment : fragments) add(fragment);
}

std::vector<ModelToolCall> ToolCallAccumulator::calls() const {
  std::vector<ModelToolCall> result;
  result.reserve(calls_.size());
  for (const auto& [index, call] : calls_) result.push_back(call);
  return result;
}

}  // namespace agentd
