// Builders for the chat messages and requests the wire tests translate.
#pragma once

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "application/ports/llm_provider.h"

namespace agentd::llm::fixtures {

inline boost::json::value parse_json(std::string_view text) { return boost::json::parse(text); }

inline ChatMessage message(std::string role, std::string content) {
  ChatMessage result;
  result.role = std::move(role);
  result.content = std::move(content);
  return result;
}

inline ChatMessage tool_result(std::string call_id, std::string content) {
  auto result = message("tool", std::move(content));
  result.tool_call_id = std::move(call_id);
  return result;
}

inline ChatRequest request_for(std::string model, std::vector<ChatMessage> messages) {
  ChatRequest request;
  request.model = std::move(model);
  request.messages = std::move(messages);
  return request;
}

}  // namespace agentd::llm::fixtures
