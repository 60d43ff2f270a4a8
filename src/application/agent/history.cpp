#include "application/agent/history.h"

#include <algorithm>
#include <iterator>

namespace agentd {
namespace {

ChatMessage not_run_message(const ModelToolCall& call) {
  ChatMessage message;
  message.role = "tool";
  message.tool_call_id = call.id;
  message.name = call.name;
  message.content =
      R"({"error":"this tool call was not run: the run was interrupted","code":"tool_not_run"})";
  return message;
}

}  // namespace

int answer_unanswered_calls(std::vector<ChatMessage>& messages) {
  int added = 0;
  for (std::size_t i = 0; i < messages.size(); ++i) {
    if (messages[i].role != "assistant" || messages[i].tool_calls.empty()) continue;
    // The tool messages answering this turn follow it directly.
    std::size_t end = i + 1;
    while (end < messages.size() && messages[end].role == "tool") ++end;
    std::vector<ChatMessage> missing;
    for (const auto& call : messages[i].tool_calls) {
      const bool answered =
          std::any_of(messages.begin() + static_cast<std::ptrdiff_t>(i + 1),
                      messages.begin() + static_cast<std::ptrdiff_t>(end),
                      [&](const ChatMessage& m) { return m.tool_call_id == call.id; });
      if (!answered) missing.push_back(not_run_message(call));
    }
    if (missing.empty()) continue;
    added += static_cast<int>(missing.size());
    messages.insert(messages.begin() + static_cast<std::ptrdiff_t>(end),
                    std::make_move_iterator(missing.begin()),
                    std::make_move_iterator(missing.end()));
  }
  return added;
}

}  // namespace agentd
