// A chat model behind some API: complete a conversation at once, or stream the answer.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "domain/common/result.h"
#include "domain/conversation/model_tool_call.h"
#include "domain/conversation/usage.h"

namespace agentd {

struct ChatMessage {
  std::string role;  // system | user | assistant | tool
  std::string content;
  // Non-text content (image parts and the like) as the client sent it; when set it is sent
  // upstream instead of `content`.
  std::optional<boost::json::value> content_parts;
  std::vector<ModelToolCall> tool_calls;  // assistant messages
  std::string tool_call_id;               // tool messages
  std::string name;
};

struct ToolDefinition {
  std::string name;
  std::string description;
  boost::json::object parameters;
};

struct ChatRequest {
  std::string model;  // the upstream model id once routed
  std::vector<ChatMessage> messages;
  std::vector<ToolDefinition> tools;
  std::optional<boost::json::value> tool_choice;
  std::optional<bool> parallel_tool_calls;
  std::optional<double> temperature;
  std::optional<double> top_p;
  std::optional<std::int64_t> max_tokens;
  std::optional<boost::json::value> stop;
  std::optional<boost::json::value> response_format;
  std::optional<std::int64_t> seed;
  std::optional<std::string> user;
  // Fields agentd does not interpret, passed through to OpenAI-compatible upstreams.
  boost::json::object extra;
};

struct ChatCompletion {
  std::string id;
  std::string model;
  ChatMessage message;        // the assistant's answer
  std::string finish_reason;  // stop | length | tool_calls | content_filter
  std::optional<Usage> usage;
};

// One fragment of a tool call while it streams: `index` says which call it extends.
struct ToolCallDelta {
  int index = 0;
  std::optional<std::string> id;
  std::optional<std::string> name;
  std::string arguments;  // a piece of the JSON text
};

struct ChatDelta {
  std::string content;
  std::vector<ToolCallDelta> tool_calls;
  std::optional<std::string> finish_reason;
  std::optional<Usage> usage;  // usually on the last delta
};

class ChatStream {
 public:
  virtual ~ChatStream() = default;
  // The next delta; nullopt once the answer is complete. Cancelling the awaiting coroutine
  // aborts the upstream request.
  virtual boost::asio::awaitable<Result<std::optional<ChatDelta>>> next() = 0;
  // True when next() has a delta in hand and need not wait for the upstream: a caller may
  // gather such deltas and pass them on together, adding no delay.
  virtual bool next_is_ready() const { return false; }
};

class LlmProvider {
 public:
  virtual ~LlmProvider() = default;
  virtual boost::asio::awaitable<Result<ChatCompletion>> complete(ChatRequest request) = 0;
  // Succeeds once the upstream accepted the request (status line and headers received).
  virtual boost::asio::awaitable<Result<std::unique_ptr<ChatStream>>> stream(
      ChatRequest request) = 0;
};

}  // namespace agentd
