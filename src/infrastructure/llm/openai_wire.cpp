#include "infrastructure/llm/openai_wire.h"

#include <array>
#include <boost/json/array.hpp>
#include <boost/json/serialize.hpp>
#include <string>

#include "infrastructure/llm/provider_error.h"
#include "infrastructure/llm/wire_json.h"

namespace agentd::llm {
namespace {

namespace json = boost::json;

// Every field to_openai_json writes or deliberately leaves out; `extra` cannot set these.
constexpr std::array<std::string_view, 14> kControlledFields = {
    "model",       "messages", "tools",      "tool_choice",   "parallel_tool_calls",
    "temperature", "top_p",    "max_tokens", "stop",          "response_format",
    "seed",        "user",     "stream",     "stream_options"};

bool is_controlled(std::string_view field) {
  for (const auto controlled : kControlledFields) {
    if (controlled == field) return true;
  }
  return false;
}

json::object message_json(const ChatMessage& message) {
  json::object result{{"role", message.role}};
  if (message.content_parts) {
    result["content"] = *message.content_parts;
  } else if (message.content.empty() && !message.tool_calls.empty()) {
    // OpenAI's own answers carry null here; some compatible servers reject "".
    result["content"] = nullptr;
  } else {
    result["content"] = message.content;
  }
  if (!message.tool_calls.empty()) {
    json::array calls;
    for (const auto& call : message.tool_calls) calls.push_back(to_openai_json(call));
    result["tool_calls"] = std::move(calls);
  }
  if (!message.tool_call_id.empty()) result["tool_call_id"] = message.tool_call_id;
  if (!message.name.empty()) result["name"] = message.name;
  return result;
}

json::object tool_json(const ToolDefinition& tool) {
  return {
      {"type", "function"},
      {"function",
       {{"name", tool.name}, {"description", tool.description}, {"parameters", tool.parameters}}}};
}

Usage usage_from_openai(const json::object& usage) {
  Usage result;
  result.prompt_tokens = integer_at(usage, "prompt_tokens");
  result.completion_tokens = integer_at(usage, "completion_tokens");
  result.total_tokens = integer_at(usage, "total_tokens");
  if (const auto* details = object_at(usage, "prompt_tokens_details")) {
    result.cached_tokens = integer_at(*details, "cached_tokens");
  }
  if (result.total_tokens == 0) {
    result.total_tokens = result.prompt_tokens + result.completion_tokens;
  }
  return result;
}

Result<ModelToolCall> tool_call_from_openai(const json::value& value, const std::string& path) {
  const auto* call = value.if_object();
  const auto* function = call == nullptr ? nullptr : object_at(*call, "function");
  if (function == nullptr) return invalid_upstream_response(path + ".function is missing");
  auto name = string_at(*function, "name");
  if (!name) return invalid_upstream_response(path + ".function.name is missing");
  ModelToolCall result{string_at(*call, "id").value_or(""), std::move(*name), {}};
  if (const auto* arguments = function->if_contains("arguments")) {
    // An object instead of its JSON text means the same arguments.
    if (arguments->is_string()) {
      result.arguments = std::string(arguments->get_string());
    } else if (arguments->is_object()) {
      result.arguments = json::serialize(*arguments);
    }
  }
  return result;
}

}  // namespace

json::object to_openai_json(const ChatRequest& request, Streaming streaming,
                            IncludeUsage include_usage) {
  json::object body{{"model", request.model}};
  json::array messages;
  for (const auto& message : request.messages) messages.push_back(message_json(message));
  body["messages"] = std::move(messages);
  if (!request.tools.empty()) {
    json::array tools;
    for (const auto& tool : request.tools) tools.push_back(tool_json(tool));
    body["tools"] = std::move(tools);
  }
  if (request.tool_choice) body["tool_choice"] = *request.tool_choice;
  if (request.parallel_tool_calls) body["parallel_tool_calls"] = *request.parallel_tool_calls;
  if (request.temperature) body["temperature"] = *request.temperature;
  if (request.top_p) body["top_p"] = *request.top_p;
  if (request.max_tokens) body["max_tokens"] = *request.max_tokens;
  if (request.stop) body["stop"] = *request.stop;
  if (request.response_format) body["response_format"] = *request.response_format;
  if (request.seed) body["seed"] = *request.seed;
  if (request.user) body["user"] = *request.user;
  if (streaming == Streaming::yes) {
    body["stream"] = true;
    if (include_usage == IncludeUsage::yes) body["stream_options"] = {{"include_usage", true}};
  }
  for (const auto& [field, value] : request.extra) {
    if (!is_controlled(field)) body[field] = value;
  }
  return body;
}

Result<ChatCompletion> completion_from_openai(const json::value& body) {
  const auto* object = body.if_object();
  if (object == nullptr) return invalid_upstream_response("the upstream's answer is not an object");
  if (object_at(*object, "error") != nullptr) return upstream_reported_error(*object);
  const auto* choices = array_at(*object, "choices");
  const auto* choice = choices == nullptr || choices->empty() ? nullptr : (*choices)[0].if_object();
  const auto* message = choice == nullptr ? nullptr : object_at(*choice, "message");
  if (message == nullptr) {
    return invalid_upstream_response("the upstream's answer has no choices[0].message");
  }

  ChatCompletion completion;
  completion.id = string_at(*object, "id").value_or("");
  completion.model = string_at(*object, "model").value_or("");
  completion.finish_reason = string_at(*choice, "finish_reason").value_or("");
  if (const auto* usage = object_at(*object, "usage")) completion.usage = usage_from_openai(*usage);

  completion.message.role = "assistant";
  if (const auto* content = message->if_contains("content");
      content != nullptr && !content->is_null()) {
    if (!content->is_string()) {
      return invalid_upstream_response("choices[0].message.content is neither text nor null");
    }
    completion.message.content = std::string(content->get_string());
  }
  if (const auto* calls = array_at(*message, "tool_calls")) {
    for (std::size_t i = 0; i < calls->size(); ++i) {
      auto call = tool_call_from_openai((*calls)[i],
                                        "choices[0].message.tool_calls[" + std::to_string(i) + "]");
      if (!call) return std::move(call).take_error();
      completion.message.tool_calls.push_back(std::move(call).value());
    }
  }
  return completion;
}

Result<ChatDelta> delta_from_openai_chunk(const json::value& chunk) {
  const auto* object = chunk.if_object();
  if (object == nullptr) {
    return invalid_upstream_response("an upstream stream chunk is not an object");
  }
  if (object_at(*object, "error") != nullptr) return upstream_reported_error(*object);

  ChatDelta delta;
  if (const auto* usage = object_at(*object, "usage")) delta.usage = usage_from_openai(*usage);
  // The usage chunk has `"choices": []`, or null on some servers (vLLM).
  const auto* choices = object->if_contains("choices");
  if (choices == nullptr || choices->is_null()) return delta;
  if (!choices->is_array()) {
    return invalid_upstream_response("a stream chunk's choices is not a list");
  }
  if (choices->get_array().empty()) return delta;
  const auto* choice = choices->get_array()[0].if_object();
  if (choice == nullptr) {
    return invalid_upstream_response("a stream chunk's choices[0] is not an object");
  }

  delta.finish_reason = string_at(*choice, "finish_reason");
  const auto* fields = object_at(*choice, "delta");
  if (fields == nullptr) return delta;
  delta.content = string_at(*fields, "content").value_or("");
  if (const auto* calls = array_at(*fields, "tool_calls")) {
    for (std::size_t i = 0; i < calls->size(); ++i) {
      const auto* call = (*calls)[i].if_object();
      if (call == nullptr) {
        return invalid_upstream_response("a streamed tool call is not an object");
      }
      ToolCallDelta fragment;
      // `index` is required by OpenAI; a server that leaves it out means the position.
      const auto* index = call->if_contains("index");
      fragment.index = index != nullptr && index->is_number()
                           ? static_cast<int>(integer_at(*call, "index"))
                           : static_cast<int>(i);
      fragment.id = string_at(*call, "id");
      if (const auto* function = object_at(*call, "function")) {
        fragment.name = string_at(*function, "name");
        fragment.arguments = string_at(*function, "arguments").value_or("");
      }
      delta.tool_calls.push_back(std::move(fragment));
    }
  }
  return delta;
}

boost::json::object to_openai_json(const ChatMessage& message) { return message_json(message); }

boost::json::object to_openai_json(const ModelToolCall& call) {
  return {{"id", call.id},
          {"type", "function"},
          {"function", {{"name", call.name}, {"arguments", call.arguments}}}};
}

bool is_done(std::string_view data) { return data.starts_with("[DONE]"); }

}  // namespace agentd::llm
