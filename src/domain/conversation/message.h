// One stored message of a conversation. Assistant tool calls and tool results are messages
// too, so a conversation's history is always a valid OpenAI message list.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "domain/conversation/model_tool_call.h"
#include "domain/conversation/usage.h"
#include "domain/identity/user.h"

namespace agentd {

struct Message {
  std::string id;
  std::string conversation_id;
  std::optional<std::string> run_id;  // the run that produced it
  std::int64_t position = 0;          // 1-based order within the conversation, set on append
  std::string role;                   // system | user | assistant | tool
  std::string content;
  std::vector<ModelToolCall> tool_calls;  // assistant messages
  std::string tool_call_id;               // tool messages
  std::string name;                       // tool messages: the tool's name
  std::optional<Usage> usage;             // assistant messages: what producing it cost
  Timestamp created_at;

  bool operator==(const Message&) const = default;
};

}  // namespace agentd
