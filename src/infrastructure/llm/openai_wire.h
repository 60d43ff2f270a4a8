// agentd's chat port translated to and from OpenAI's chat-completions wire format.
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <string_view>

#include "application/ports/llm_provider.h"
#include "infrastructure/llm/streaming.h"

namespace agentd::llm {

// The request body. Optional fields appear only when set; `extra` fields are passed through
// but never replace a field agentd sets or controls (`stream` above all). `include_usage`
// asks for the final usage chunk and only matters when streaming.
enum class IncludeUsage { no, yes };
boost::json::object to_openai_json(const ChatRequest& request, Streaming streaming,
                                   IncludeUsage include_usage);

// One message as OpenAI writes it (also how agentd answers its own clients).
boost::json::object to_openai_json(const ChatMessage& message);

// One tool call an assistant asked for, as OpenAI writes it (also in agentd's stored messages).
boost::json::object to_openai_json(const ModelToolCall& call);

// A `chat.completion` body: choices[0].message, finish_reason, usage, id and model.
Result<ChatCompletion> completion_from_openai(const boost::json::value& body);

// One `chat.completion.chunk`: choices[0].delta's content and tool-call fragments, the
// finish_reason, and usage (on the last chunk, whose choices are empty or null).
Result<ChatDelta> delta_from_openai_chunk(const boost::json::value& chunk);

// OpenAI ends a chat stream with `data: [DONE]`; its SDK stops at any data starting with it.
bool is_done(std::string_view data);

}  // namespace agentd::llm
