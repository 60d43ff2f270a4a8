#include "infrastructure/llm/anthropic_wire.h"

#include <boost/json/array.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <string>

#include "infrastructure/llm/provider_error.h"
#include "infrastructure/llm/wire_json.h"

namespace agentd::llm {
namespace {

namespace json = boost::json;

bool is_system(const ChatMessage& message) {
  // "developer" is OpenAI's newer name for the system role.
  return message.role == "system" || message.role == "developer";
}

// The text of a message whose content may come as OpenAI content parts.
std::string text_of(const ChatMessage& message) {
  if (!message.content_parts) return message.content;
  if (const auto* text = message.content_parts->if_string()) return std::string(*text);
  std::string result;
  if (const auto* parts = message.content_parts->if_array()) {
    for (const auto& part : *parts) {
      const auto* object = part.if_object();
      if (object != nullptr && string_at(*object, "type") == "text") {
        result += string_at(*object, "text").value_or("");
      }
    }
  }
  return result;
}

// OpenAI's {"type":"image_url","image_url":{"url"}} as an Anthropic image block: a data URL
// carries the image itself, any other URL is fetched by Anthropic.
json::object image_block(std::string_view url) {
  constexpr std::string_view kBase64Marker = ";base64,";
  if (url.starts_with("data:")) {
    if (const auto marker = url.find(kBase64Marker); marker != std::string_view::npos) {
      return {{"type", "image"},
              {"source",
               {{"type", "base64"},
                {"media_type", url.substr(5, marker - 5)},
                {"data", url.substr(marker + kBase64Marker.size())}}}};
    }
  }
  return {{"type", "image"}, {"source", {{"type", "url"}, {"url", url}}}};
}

// OpenAI content parts as Anthropic content blocks; a part of another kind is passed on as it
// is, so that Anthropic, not agentd, says whether it understands it.
json::value content_blocks(const json::value& parts) {
  const auto* array = parts.if_array();
  if (array == nullptr) return parts;
  json::array blocks;
  for (const auto& part : *array) {
    const auto* object = part.if_object();
    if (object == nullptr || string_at(*object, "type") != "image_url") {
      blocks.push_back(part);
      continue;
    }
    const auto* image = object->if_contains("image_url");
    if (image != nullptr && image->is_string()) {
      blocks.push_back(image_block(image->get_string()));
    } else if (image != nullptr && image->is_object()) {
      blocks.push_back(image_block(string_at(image->get_object(), "url").value_or("")));
    } else {
      blocks.push_back(part);
    }
  }
  return blocks;
}

json::value content_json(const ChatMessage& message) {
  if (message.content_parts) return content_blocks(*message.content_parts);
  return json::value(message.content);
}

// Anthropic wants the arguments as an object; text that is not one becomes {}.
json::object input_of(const ModelToolCall& call) {
  boost::system::error_code error;
  auto input = json::parse(call.arguments, error);
  if (error || !input.is_object()) return {};
  return std::move(input.get_object());
}

json::object assistant_message(const ChatMessage& message) {
  if (message.tool_calls.empty()) {
    return {{"role", "assistant"}, {"content", content_json(message)}};
  }
  json::array blocks;
  if (message.content_parts) {
    auto parts = content_blocks(*message.content_parts);
    if (auto* array = parts.if_array()) {
      for (auto& block : *array) blocks.push_back(std::move(block));
    }
  } else if (!message.content.empty()) {
    // Anthropic refuses an empty text block, so none is sent for an empty content.
    blocks.push_back({{"type", "text"}, {"text", message.content}});
  }
  for (const auto& call : message.tool_calls) {
    blocks.push_back(
        {{"type", "tool_use"}, {"id", call.id}, {"name", call.name}, {"input", input_of(call)}});
  }
  return {{"role", "assistant"}, {"content", std::move(blocks)}};
}

json::object anthropic_tool_json(const ToolDefinition& tool) {
  json::object result{{"name", tool.name}};
  if (!tool.description.empty()) result["description"] = tool.description;
  // Anthropic requires a schema of type object even for a tool without parameters.
  result["input_schema"] =
      tool.parameters.empty() ? json::object{{"type", "object"}} : tool.parameters;
  return result;
}

std::optional<json::object> tool_choice_json(const ChatRequest& request) {
  std::optional<json::object> choice;
  if (request.tool_choice) {
    const auto& value = *request.tool_choice;
    const auto* mode = value.if_string();
    if (mode != nullptr && *mode == "auto") {
      choice = json::object{{"type", "auto"}};
    } else if (mode != nullptr && *mode == "required") {
      choice = json::object{{"type", "any"}};
    } else if (mode != nullptr && *mode == "none") {
      choice = json::object{{"type", "none"}};
    } else if (const auto* object = value.if_object()) {
      const auto* function = object_at(*object, "function");
      auto name = function == nullptr ? std::nullopt : string_at(*function, "name");
      if (name) choice = json::object{{"type", "tool"}, {"name", *name}};
    }
  }
  if (request.parallel_tool_calls == false) {
    if (!choice) choice = json::object{{"type", "auto"}};
    // {"type":"none"} takes no other field: with no tool call there is nothing to parallelise.
    if (string_at(*choice, "type") != "none") (*choice)["disable_parallel_tool_use"] = true;
  }
  return choice;
}

std::optional<json::array> stop_sequences(const json::value& stop) {
  json::array sequences;
  if (stop.is_string()) {
    sequences.push_back(stop);
  } else if (const auto* list = stop.if_array()) {
    for (const auto& item : *list) {
      if (item.is_string()) sequences.push_back(item);
    }
  }
  if (sequences.empty()) return std::nullopt;
  return sequences;
}

std::string finish_reason_for(std::string_view stop_reason) {
  if (stop_reason == "max_tokens" || stop_reason == "model_context_window_exceeded") {
    return "length";
  }
  if (stop_reason == "tool_use") return "tool_calls";
  if (stop_reason == "refusal") return "content_filter";
  return "stop";  // end_turn, stop_sequence, pause_turn
}

// Anthropic counts cached prompt tokens apart from input_tokens; OpenAI's prompt_tokens
// include them, and so does agentd's usage.
std::int64_t input_tokens_of(const json::object& usage) {
  return integer_at(usage, "input_tokens") + integer_at(usage, "cache_creation_input_tokens") +
         integer_at(usage, "cache_read_input_tokens");
}

Usage usage_of(const json::object& usage) {
  const auto input = input_tokens_of(usage);
  const auto output = integer_at(usage, "output_tokens");
  return {input, output, input + output, integer_at(usage, "cache_read_input_tokens")};
}

bool is_error(const json::object& body) {
  return string_at(body, "type") == "error" || object_at(body, "error") != nullptr;
}

}  // namespace

json::object to_anthropic_json(const ChatRequest& request, Streaming streaming,
                               std::int64_t default_max_tokens) {
  json::object body{{"model", request.model},
                    {"max_tokens", request.max_tokens.value_or(default_max_tokens)}};
  std::string system;
  json::array messages;
  bool is_last_tool_results = false;
  for (const auto& message : request.messages) {
    if (is_system(message)) {
      if (!system.empty()) system += "\n\n";
      system += text_of(message);
      continue;
    }
    if (message.role == "tool") {
      json::object result{{"type", "tool_result"},
                          {"tool_use_id", message.tool_call_id},
                          {"content", content_json(message)}};
      // Anthropic wants every result of one assistant turn in the single user turn after it.
      if (is_last_tool_results) {
        messages.back().get_object()["content"].get_array().push_back(std::move(result));
      } else {
        messages.push_back({{"role", "user"}, {"content", json::array{std::move(result)}}});
      }
      is_last_tool_results = true;
      continue;
    }
    is_last_tool_results = false;
    if (message.role == "assistant") {
      messages.push_back(assistant_message(message));
    } else {
      messages.push_back({{"role", "user"}, {"content", content_json(message)}});
    }
  }
  if (!system.empty()) body["system"] = system;
  body["messages"] = std::move(messages);

  // Anthropic refuses tool_choice without tools.
  if (!request.tools.empty()) {
    json::array tools;
    for (const auto& tool : request.tools) tools.push_back(anthropic_tool_json(tool));
    body["tools"] = std::move(tools);
    if (auto choice = tool_choice_json(request)) body["tool_choice"] = std::move(*choice);
  }
  if (request.temperature) body["temperature"] = *request.temperature;
  if (request.top_p) body["top_p"] = *request.top_p;
  if (request.stop) {
    if (auto sequences = stop_sequences(*request.stop)) {
      body["stop_sequences"] = std::move(*sequences);
    }
  }
  if (request.user) body["metadata"] = {{"user_id", *request.user}};
  if (streaming == Streaming::yes) body["stream"] = true;
  return body;
}

Result<ChatCompletion> completion_from_anthropic(const json::value& body) {
  const auto* object = body.if_object();
  if (object == nullptr) return invalid_upstream_response("the upstream's answer is not an object");
  if (is_error(*object)) return upstream_reported_error(*object);
  const auto* content = array_at(*object, "content");
  if (content == nullptr) return invalid_upstream_response("the upstream's answer has no content");

  ChatCompletion completion;
  completion.id = string_at(*object, "id").value_or("");
  completion.model = string_at(*object, "model").value_or("");
  completion.message.role = "assistant";
  for (const auto& item : *content) {
    const auto* block = item.if_object();
    if (block == nullptr) return invalid_upstream_response("a content block is not an object");
    const auto type = string_at(*block, "type");
    if (type == "text") {
      completion.message.content += string_at(*block, "text").value_or("");
    } else if (type == "tool_use") {
      const auto* input = block->if_contains("input");
      completion.message.tool_calls.push_back(
          {string_at(*block, "id").value_or(""), string_at(*block, "name").value_or(""),
           input != nullptr && input->is_object() ? json::serialize(*input) : "{}"});
    }
  }
  if (auto stop_reason = string_at(*object, "stop_reason")) {
    completion.finish_reason = finish_reason_for(*stop_reason);
  }
  if (const auto* usage = object_at(*object, "usage")) {
    completion.usage = usage_of(*usage);
  }
  return completion;
}

Result<std::optional<ChatDelta>> AnthropicStreamTranslator::translate(std::string_view event,
                                                                      const json::value& data) {
  const auto* object = data.if_object();
  if (object == nullptr) {
    return invalid_upstream_response("an upstream stream event is not an object");
  }
  const auto type = event.empty() ? string_at(*object, "type").value_or("") : std::string(event);
  if (type == "error") return upstream_reported_error(*object);
  if (type == "message_start") {
    const auto* message = object_at(*object, "message");
    const auto* usage = message == nullptr ? nullptr : object_at(*message, "usage");
    if (usage != nullptr) {
      usage_ = usage_of(*usage);
    }
    return std::optional<ChatDelta>();
  }
  if (type == "content_block_start") return start_block(*object);
  if (type == "content_block_delta") return extend_block(*object);
  if (type == "content_block_stop") return stop_block(*object);
  if (type == "message_delta") return std::optional<ChatDelta>(finish_message(*object));
  if (type == "message_stop") is_finished_ = true;
  // ping, and event types Anthropic may add later, carry nothing to translate.
  return std::optional<ChatDelta>();
}

std::optional<ChatDelta> AnthropicStreamTranslator::start_block(const json::object& data) {
  const auto* block = object_at(data, "content_block");
  if (block == nullptr) return std::nullopt;
  const auto type = string_at(*block, "type");
  ChatDelta delta;
  if (type == "text") {
    delta.content = string_at(*block, "text").value_or("");
    if (delta.content.empty()) return std::nullopt;
    return delta;
  }
  if (type != "tool_use") return std::nullopt;
  const int tool_index = next_tool_index_++;
  tool_blocks_[integer_at(data, "index")] = {tool_index, false};
  delta.tool_calls.push_back({tool_index,
                              string_at(*block, "id").value_or(""),
                              string_at(*block, "name").value_or(""),
                              {}});
  return delta;
}

std::optional<ChatDelta> AnthropicStreamTranslator::extend_block(const json::object& data) {
  const auto* fields = object_at(data, "delta");
  if (fields == nullptr) return std::nullopt;
  const auto type = string_at(*fields, "type");
  ChatDelta delta;
  if (type == "text_delta") {
    delta.content = string_at(*fields, "text").value_or("");
    return delta;
  }
  // thinking, signature and citation deltas have no OpenAI counterpart.
  if (type != "input_json_delta") return std::nullopt;
  const auto block = tool_blocks_.find(integer_at(data, "index"));
  if (block == tool_blocks_.end()) return std::nullopt;  // the input of a server-side tool
  auto& tool = block->second;
  ToolCallDelta fragment;
  fragment.index = tool.tool_index;
  fragment.arguments = string_at(*fields, "partial_json").value_or("");
  if (fragment.arguments.empty()) return std::nullopt;
  tool.has_arguments = true;
  delta.tool_calls.push_back(std::move(fragment));
  return delta;
}

std::optional<ChatDelta> AnthropicStreamTranslator::stop_block(const json::object& data) {
  const auto block = tool_blocks_.find(integer_at(data, "index"));
  if (block == tool_blocks_.end() || block->second.has_arguments) return std::nullopt;
  // A call without arguments streams no input at all; OpenAI clients expect the text "{}".
  ChatDelta delta;
  ToolCallDelta fragment;
  fragment.index = block->second.tool_index;
  fragment.arguments = "{}";
  delta.tool_calls.push_back(std::move(fragment));
  return delta;
}

ChatDelta AnthropicStreamTranslator::finish_message(const json::object& data) {
  ChatDelta delta;
  if (const auto* fields = object_at(data, "delta")) {
    if (auto stop_reason = string_at(*fields, "stop_reason")) {
      delta.finish_reason = finish_reason_for(*stop_reason);
    }
  }
  if (const auto* usage = object_at(data, "usage")) {
    // Counts here are totals so far, so they replace rather than add; some compatible servers
    // send input_tokens 0 in message_start and the real count only here.
    if (usage->contains("output_tokens")) {
      usage_.completion_tokens = integer_at(*usage, "output_tokens");
    }
    if (const auto input = input_tokens_of(*usage); input > 0) {
      usage_.prompt_tokens = input;
      usage_.cached_tokens = integer_at(*usage, "cache_read_input_tokens");
    }
    usage_.total_tokens = usage_.prompt_tokens + usage_.completion_tokens;
  }
  delta.usage = usage_;
  return delta;
}

}  // namespace agentd::llm
