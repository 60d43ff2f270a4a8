// The OpenAI chat-completions wire format as agentd's clients speak it: requests in,
// completions and stream chunks out.
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <optional>
#include <string>
#include <vector>

#include "application/ports/llm_provider.h"

namespace agentd::http {

// The "agent" extension: run agentd's own tools in a ReAct loop.
struct AgentOptions {
  std::optional<std::vector<std::string>> tools;  // nullopt: "all"
  int max_steps = 8;
};

struct ChatCompletionsRequest {
  ChatRequest chat;  // chat.model is the public model name (may be empty: the default)
  bool stream = false;
  bool include_usage = false;
  std::optional<AgentOptions> agent;
};

inline constexpr std::size_t kMaxMessages = 1000;

Result<ChatCompletionsRequest> parse_chat_completions_request(const boost::json::value& body);
// Parses one message of a messages array; `param` names it in errors ("messages[2]").
Result<ChatMessage> parse_chat_message(const boost::json::value& value, const std::string& param);

boost::json::object to_json(const Usage& usage);
// A chat.completion object.
boost::json::object completion_json(const std::string& id, std::int64_t created,
                                    const ChatCompletion& completion);
// A chat.completion.chunk object carrying one delta; the first chunk of a completion also
// names the role. A final chunk with only usage comes from usage_chunk_json.
enum class FirstChunk { no, yes };
boost::json::object chunk_json(const std::string& id, std::int64_t created,
                               const std::string& model, const ChatDelta& delta, FirstChunk first);
boost::json::object usage_chunk_json(const std::string& id, std::int64_t created,
                                     const std::string& model, const Usage& usage);

}  // namespace agentd::http
