// agentd's chat port translated to and from Anthropic's Messages API wire format.
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <cstdint>
#include <map>
#include <optional>
#include <string_view>

#include "application/ports/llm_provider.h"
#include "infrastructure/llm/streaming.h"

namespace agentd::llm {

// The request body. System messages become the top-level "system"; assistant tool calls
// become tool_use blocks and tool messages tool_result blocks (consecutive ones in one user
// message); `max_tokens` is required by Anthropic, so `default_max_tokens` fills it in.
// Fields Anthropic has no counterpart for (seed, response_format, extra) are left out.
boost::json::object to_anthropic_json(const ChatRequest& request, Streaming streaming,
                                      std::int64_t default_max_tokens);

// A Messages API answer: text blocks joined, tool_use blocks as tool calls, stop_reason as an
// OpenAI finish_reason, usage in prompt/completion terms.
Result<ChatCompletion> completion_from_anthropic(const boost::json::value& body);

// Turns the events of one streamed message into ChatDelta values. Tool calls are numbered
// 0, 1, 2… in the order their tool_use blocks start, whatever blocks come between them.
class AnthropicStreamTranslator {
 public:
  // One event, by its SSE name (or the data's "type" when the name is empty); nullopt when it
  // carries nothing for the client (ping, message_start, a block's end...). The usage on a
  // message_delta is the running total for the whole message, not an increment.
  Result<std::optional<ChatDelta>> translate(std::string_view event,
                                             const boost::json::value& data);

  // message_stop was seen: the answer is complete.
  bool is_finished() const { return is_finished_; }

 private:
  struct ToolBlock {
    int tool_index = 0;
    bool has_arguments = false;
  };

  std::optional<ChatDelta> start_block(const boost::json::object& data);
  std::optional<ChatDelta> extend_block(const boost::json::object& data);
  std::optional<ChatDelta> stop_block(const boost::json::object& data);
  ChatDelta finish_message(const boost::json::object& data);

  std::map<std::int64_t, ToolBlock> tool_blocks_;  // by content block index
  int next_tool_index_ = 0;
  Usage usage_;
  bool is_finished_ = false;
};

}  // namespace agentd::llm
