// A message's tool calls in storage: a JSON array of {"id","name","arguments"}, the
// arguments kept as the text the model wrote (not re-serialised).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "domain/conversation/model_tool_call.h"

namespace agentd::persistence {

std::string encode_tool_calls(const std::vector<ModelToolCall>& calls);

// Throws std::runtime_error when `json` is not such an array: stored data is corrupt.
std::vector<ModelToolCall> decode_tool_calls(std::string_view json);

}  // namespace agentd::persistence
