#include "infrastructure/http/dto/response_dto.h"

#include <boost/json.hpp>
#include <chrono>
#include <set>

#include "infrastructure/http/json_fields.h"

namespace agentd::http {
namespace {

namespace json = boost::json;

constexpr std::string_view kResponsePrefix = "resp_";
constexpr std::string_view kApprovalPrefix = "mcpr_";
constexpr std::string_view kAgentdServer = "agentd";
constexpr std::size_t kMaxMetadataPairs = 16;
constexpr std::size_t kMaxMetadataKey = 64;
constexpr std::size_t kMaxMetadataValue = 512;

// Accepted and read; the last five are accepted and have no effect here.
constexpr std::string_view kResponseRequestFields[] = {"model",
                                                       "input",
                                                       "instructions",
                                                       "tools",
                                                       "tool_choice",
                                                       "parallel_tool_calls",
                                                       "temperature",
                                                       "top_p",
                                                       "max_output_tokens",
                                                       "max_tool_calls",
                                                       "text",
                                                       "metadata",
                                                       "store",
                                                       "previous_response_id",
                                                       "conversation",
                                                       "background",
                                                       "stream",
                                                       "truncation",
                                                       "user",
                                                       "safety_identifier",
                                                       "reasoning",
                                                       "include",
                                                       "service_tier",
                                                       "prompt_cache_key",
                                                       "stream_options"};

Error bad_request(std::string message, std::string param, std::string code = "invalid_request") {
  return Error::invalid(std::move(message), std::move(param), std::move(code));
}

std::int64_t unix_seconds(Timestamp time) {
  return std::chrono::duration_cast<std::chrono::seconds>(time.time_since_epoch()).count();
}

std::string_view string_or(const json::object& object, std::string_view key,
                           std::string_view fallback = {}) {
  const auto* value = object.if_contains(key);
  if (value == nullptr || !value->is_string()) return fallback;
  return value->get_string();
}

// A message's content: a string, or a list of text parts (joined). Images are refused: a stored
// conversation keeps only text, so the model would never see them.
Result<std::string> content_text(const json::value& content, const std::string& param) {
  if (content.is_string()) return std::string(content.get_string());
  if (!content.is_array())
    return bad_request(param + " must be a string or a list of parts", param);
  std::string text;
  for (const auto& part : content.get_array()) {
    if (!part.is_object()) return bad_request(param + " parts must be objects", param);
    const auto& object = part.get_object();
    const auto type = string_or(object, "type");
    if (type == "input_text" || type == "output_text" || type == "text") {
      if (!text.empty()) text += "\n";
      text += string_or(object, "text");
    } else if (type == "input_image" || type == "input_file") {
      return bad_request(
          std::string(type) + " parts are not supported: agentd stores conversations as text",
          param, "unsupported_content");
    } else {
      return bad_request("unknown content part type: " + std::string(type), param);
    }
  }
  return text;
}

// The stored form of a message item: its content as a list of parts.
json::object normalized_message(std::string_view role, std::string_view text) {
  const std::string_view part_type = role == "assistant" ? "output_text" : "input_text";
  return json::object{{"type", "message"},
                      {"role", role},
                      {"content", json::array{json::object{{"type", part_type}, {"text", text}}}}};
}

struct InputItems {
  std::vector<ChatMessage> messages;
  std::vector<ApprovalAnswer> approvals;
  json::array stored;
};

Status read_item(const json::value& value, std::size_t index, InputItems& items) {
  const std::string param = "input[" + std::to_string(index) + "]";
  if (!value.is_object()) return bad_request(param + " must be an object", param);
  const auto& item = value.get_object();
  std::string type(string_or(item, "type"));
  if (type.empty() && item.contains("role")) type = "message";
  if (type == "message") {
    const std::string role(string_or(item, "role"));
    if (role != "user" && role != "assistant" && role != "system" && role != "developer") {
      return bad_request(param + ".role must be user, assistant, system or developer",
                         param + ".role");
    }
    const auto* content = item.if_contains("content");
    if (content == nullptr) return bad_request(param + ".content is required", param + ".content");
    auto text = content_text(*content, param + ".content");
    if (!text) return text.error();
    ChatMessage message;
    message.role = role == "developer" ? "system" : role;
    message.content = *text;
    items.messages.push_back(std::move(message));
    items.stored.push_back(normalized_message(role, *text));
    return ok_status();
  }
  if (type == "function_call") {
    const auto call_id = string_or(item, "call_id");
    const auto name = string_or(item, "name");
    if (call_id.empty() || name.empty()) {
      return bad_request(param + " needs call_id and name", param);
    }
    ModelToolCall call{std::string(call_id), std::string(name),
                       std::string(string_or(item, "arguments", "{}"))};
    // Calls one answer asked for together are one assistant turn.
    if (items.messages.empty() || items.messages.back().role != "assistant" ||
        items.messages.back().tool_calls.empty()) {
      ChatMessage message;
      message.role = "assistant";
      items.messages.push_back(std::move(message));
    }
    items.messages.back().tool_calls.push_back(call);
    items.stored.push_back(json::object{{"type", "function_call"},
                                        {"call_id", call.id},
                                        {"name", call.name},
                                        {"arguments", call.arguments}});
    return ok_status();
  }
  if (type == "function_call_output") {
    const auto call_id = string_or(item, "call_id");
    const auto* output = item.if_contains("output");
    if (call_id.empty() || output == nullptr) {
      return bad_request(param + " needs call_id and output", param);
    }
    auto text = content_text(*output, param + ".output");
    if (!text) return text.error();
    ChatMessage message;
    message.role = "tool";
    message.tool_call_id = std::string(call_id);
    message.content = *text;
    items.messages.push_back(std::move(message));
    items.stored.push_back(
        json::object{{"type", "function_call_output"}, {"call_id", call_id}, {"output", *text}});
    return ok_status();
  }
  if (type == "mcp_approval_response") {
    const auto id = string_or(item, "approval_request_id");
    const auto* approve = item.if_contains("approve");
    if (!id.starts_with(kApprovalPrefix) || approve == nullptr || !approve->is_bool()) {
      return bad_request(param +
                             " needs the approval_request_id of an mcp_approval_request and "
                             "approve (a boolean)",
                         param);
    }
    ApprovalAnswer answer;
    answer.approval_id = std::string(id.substr(kApprovalPrefix.size()));
    answer.approve = approve->get_bool();
    if (const auto reason = string_or(item, "reason"); !reason.empty()) {
      answer.reason = std::string(reason);
    }
    items.stored.push_back(json::object{
        {"type", "mcp_approval_response"},
        {"approval_request_id", id},
        {"approve", answer.approve},
        {"reason", answer.reason ? json::value(*answer.reason) : json::value(nullptr)}});
    items.approvals.push_back(std::move(answer));
    return ok_status();
  }
  return bad_request(
      "input item type " + (type.empty() ? std::string("(none)") : type) + " is not supported",
      param + ".type", "unsupported_input_item");
}

Result<InputItems> read_input(const json::value& input) {
  InputItems items;
  if (input.is_string()) {
    ChatMessage message;
    message.role = "user";
    message.content = std::string(input.get_string());
    items.stored.push_back(normalized_message("user", message.content));
    items.messages.push_back(std::move(message));
    return items;
  }
  if (!input.is_array()) return bad_request("input must be a string or a list of items", "input");
  const auto& list = input.get_array();
  for (std::size_t i = 0; i < list.size(); ++i) {
    if (auto read = read_item(list[i], i, items); !read) return read.error();
  }
  return items;
}

bool valid_function_name(std::string_view name) {
  if (name.empty() || name.size() > 64) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' || c == '-';
  });
}

Status read_tools(const json::value& tools, ResponseRequest& request) {
  if (!tools.is_array()) return bad_request("tools must be a list", "tools");
  std::set<std::string, std::less<>> names;
  const auto& list = tools.get_array();
  for (std::size_t i = 0; i < list.size(); ++i) {
    const std::string param = "tools[" + std::to_string(i) + "]";
    if (!list[i].is_object()) return bad_request(param + " must be an object", param);
    const auto& tool = list[i].get_object();
    const auto type = string_or(tool, "type");
    if (type == "function") {
      const std::string name(string_or(tool, "name"));
      if (!valid_function_name(name)) {
        return bad_request(param + ".name must be 1 to 64 letters, digits, _ or -",
                           param + ".name");
      }
      if (!names.insert(name).second) {
        return bad_request("two function tools are named " + name, param + ".name");
      }
      ToolDefinition definition{name, std::string(string_or(tool, "description")), {}};
      if (const auto* parameters = tool.if_contains("parameters");
          parameters != nullptr && !parameters->is_null()) {
        if (!parameters->is_object()) {
          return bad_request(param + ".parameters must be a JSON schema object",
                             param + ".parameters");
        }
        definition.parameters = parameters->get_object();
      } else {
        definition.parameters = json::object{{"type", "object"}, {"properties", json::object{}}};
      }
      request.client_tools.push_back(std::move(definition));
    } else if (type == "mcp") {
      if (string_or(tool, "server_label") != kAgentdServer) {
        return bad_request(
            "only agentd's own tools are served: an mcp tool's server_label must be "
            "\"agentd\"",
            param + ".server_label", "unsupported_mcp_server");
      }
      if (tool.contains("server_url") || tool.contains("connector_id")) {
        return bad_request("agentd does not connect to MCP servers named by a request",
                           param + ".server_url", "unsupported_mcp_server");
      }
      request.agentd_tools = true;
      if (const auto* allowed = tool.if_contains("allowed_tools");
          allowed != nullptr && !allowed->is_null()) {
        const json::value* names_value = allowed;
        if (allowed->is_object()) names_value = allowed->get_object().if_contains("tool_names");
        if (names_value == nullptr || !names_value->is_array()) {
          return bad_request(param + ".allowed_tools must be a list of tool names",
                             param + ".allowed_tools");
        }
        std::vector<std::string> allowed_names;
        for (const auto& name : names_value->get_array()) {
          if (!name.is_string()) {
            return bad_request(param + ".allowed_tools must be a list of tool names",
                               param + ".allowed_tools");
          }
          allowed_names.emplace_back(name.get_string());
        }
        request.allowed_tools = std::move(allowed_names);
      }
    } else {
      return bad_request("tool type " + std::string(type) +
                             " is not supported: use function tools, or agentd's own through "
                             "{\"type\":\"mcp\",\"server_label\":\"agentd\"}",
                         param + ".type", "unsupported_tool");
    }
  }
  return ok_status();
}

Result<json::value> read_tool_choice(const json::value& choice) {
  if (choice.is_string()) {
    const auto text = choice.get_string();
    if (text == "auto" || text == "none" || text == "required") return json::value(text);
    return bad_request("tool_choice must be auto, none, required or a tool", "tool_choice");
  }
  if (choice.is_object()) {
    const auto& object = choice.get_object();
    const auto type = string_or(object, "type");
    const auto name = string_or(object, "name");
    if ((type == "function" || type == "mcp") && !name.empty()) {
      return json::value(json::object{{"type", "function"}, {"function", {{"name", name}}}});
    }
    if (type == "mcp") return json::value("required");
  }
  return bad_request("tool_choice must be auto, none, required or a tool", "tool_choice");
}

Result<std::optional<json::value>> read_text_format(const json::value& text) {
  if (!text.is_object()) return bad_request("text must be an object", "text");
  const auto* format = text.get_object().if_contains("format");
  if (format == nullptr || format->is_null()) return std::optional<json::value>{};
  if (!format->is_object()) return bad_request("text.format must be an object", "text.format");
  const auto& object = format->get_object();
  const auto type = string_or(object, "type");
  if (type == "text") return std::optional<json::value>{};
  if (type == "json_object") {
    return std::optional<json::value>(json::object{{"type", "json_object"}});
  }
  if (type == "json_schema") {
    const auto name = string_or(object, "name");
    const auto* schema = object.if_contains("schema");
    if (name.empty() || schema == nullptr || !schema->is_object()) {
      return bad_request("text.format of type json_schema needs name and schema", "text.format");
    }
    json::object wire{{"name", name}, {"schema", *schema}};
    if (const auto* strict = object.if_contains("strict"); strict != nullptr && strict->is_bool()) {
      wire["strict"] = *strict;
    }
    if (const auto description = string_or(object, "description"); !description.empty()) {
      wire["description"] = description;
    }
    return std::optional<json::value>(
        json::object{{"type", "json_schema"}, {"json_schema", std::move(wire)}});
  }
  return bad_request("text.format.type must be text, json_object or json_schema",
                     "text.format.type");
}

Status check_metadata(const json::value& metadata) {
  if (!metadata.is_object()) return bad_request("metadata must be an object", "metadata");
  const auto& object = metadata.get_object();
  if (object.size() > kMaxMetadataPairs) {
    return bad_request("metadata holds at most 16 pairs", "metadata");
  }
  for (const auto& [key, value] : object) {
    if (key.size() > kMaxMetadataKey || !value.is_string() ||
        value.get_string().size() > kMaxMetadataValue) {
      return bad_request(
          "metadata keys are at most 64 characters and values strings of at most 512", "metadata");
    }
  }
  return ok_status();
}

Result<std::optional<std::string>> read_id(const json::object& body, std::string_view field) {
  auto text = optional_string(body, field);
  if (!text) return text.error();
  if (!*text) return std::optional<std::string>{};
  return std::optional<std::string>(**text);
}

json::value tool_choice_echo(const json::object& body) {
  const auto* choice = body.if_contains("tool_choice");
  return choice != nullptr && !choice->is_null() ? *choice : json::value("auto");
}

json::value or_null(const json::object& body, std::string_view field) {
  const auto* value = body.if_contains(field);
  return value != nullptr ? *value : json::value(nullptr);
}

// The tools as the response shows them: every field of a function tool present (null when
// not given), as the specification's FunctionTool has them.
json::array tools_echo(const json::object& body) {
  json::array tools;
  const auto* given = body.if_contains("tools");
  if (given == nullptr || !given->is_array()) return tools;
  for (const auto& value : given->get_array()) {
    const auto& tool = value.get_object();  // read_tools checked each is an object
    if (string_or(tool, "type") != "function") {
      tools.push_back(tool);
      continue;
    }
    tools.push_back(json::object{{"type", "function"},
                                 {"name", or_null(tool, "name")},
                                 {"description", or_null(tool, "description")},
                                 {"parameters", or_null(tool, "parameters")},
                                 {"strict", or_null(tool, "strict")}});
  }
  return tools;
}

json::object text_echo(const json::object& body) {
  const auto* text = body.if_contains("text");
  if (text == nullptr || !text->is_object()) return json::object{{"format", {{"type", "text"}}}};
  json::object echo = text->get_object();
  const auto* format = echo.if_contains("format");
  if (format != nullptr && format->is_object() &&
      string_or(format->get_object(), "type") == "json_schema") {
    json::object normalized = format->get_object();
    if (!normalized.contains("description")) normalized["description"] = nullptr;
    if (!normalized.contains("strict")) normalized["strict"] = nullptr;
    echo["format"] = std::move(normalized);
  }
  return echo;
}

}  // namespace

std::string response_wire_id(std::string_view id) {
  return std::string(kResponsePrefix) + std::string(id);
}

std::optional<std::string> response_store_id(std::string_view wire_id) {
  if (!wire_id.starts_with(kResponsePrefix) || wire_id.size() == kResponsePrefix.size()) {
    return std::nullopt;
  }
  return std::string(wire_id.substr(kResponsePrefix.size()));
}

Result<ParsedResponseRequest> parse_response_request(const json::value& body_value) {
  auto body_object = require_object(body_value);
  if (!body_object) return body_object.error();
  const auto& body = **body_object;
  for (const auto& [key, value] : body) {
    (void)value;
    if (std::find(std::begin(kResponseRequestFields), std::end(kResponseRequestFields), key) ==
        std::end(kResponseRequestFields)) {
      return bad_request("unknown parameter: " + std::string(key), std::string(key),
                         "unknown_parameter");
    }
  }
  ParsedResponseRequest parsed;
  auto& request = parsed.request;

  auto model = optional_string(body, "model");
  if (!model) return model.error();
  request.model = *model;
  const auto* input = body.if_contains("input");
  if (input == nullptr || input->is_null()) return bad_request("input is required", "input");
  auto items = read_input(*input);
  if (!items) return items.error();
  request.input = std::move(items->messages);
  request.approvals = std::move(items->approvals);
  request.input_items = json::serialize(items->stored);

  auto instructions = optional_string(body, "instructions");
  if (!instructions) return instructions.error();
  request.instructions = *instructions;
  if (const auto* tools = body.if_contains("tools"); tools != nullptr && !tools->is_null()) {
    if (auto read = read_tools(*tools, request); !read) return read.error();
  }
  if (const auto* choice = body.if_contains("tool_choice");
      choice != nullptr && !choice->is_null()) {
    auto read = read_tool_choice(*choice);
    if (!read) return read.error();
    request.sampling.tool_choice = std::move(*read);
  }
  auto parallel = optional_bool(body, "parallel_tool_calls");
  if (!parallel) return parallel.error();
  request.sampling.parallel_tool_calls = *parallel;
  auto temperature = optional_number(body, "temperature", 0, 2);
  if (!temperature) return temperature.error();
  request.sampling.temperature = *temperature;
  auto top_p = optional_number(body, "top_p", 0, 1);
  if (!top_p) return top_p.error();
  request.sampling.top_p = *top_p;
  auto max_output = optional_integer(body, "max_output_tokens");
  if (!max_output) return max_output.error();
  if (*max_output && **max_output < 1) {
    return bad_request("max_output_tokens must be at least 1", "max_output_tokens");
  }
  request.sampling.max_tokens = *max_output;
  auto max_tool_calls = optional_integer(body, "max_tool_calls");
  if (!max_tool_calls) return max_tool_calls.error();
  if (*max_tool_calls) {
    if (**max_tool_calls < 1 || **max_tool_calls > 1000) {
      return bad_request("max_tool_calls must be from 1 to 1000", "max_tool_calls");
    }
    request.max_steps = static_cast<int>(**max_tool_calls);
  }
  if (const auto* text = body.if_contains("text"); text != nullptr && !text->is_null()) {
    auto format = read_text_format(*text);
    if (!format) return format.error();
    request.sampling.response_format = std::move(*format);
  }
  if (const auto* metadata = body.if_contains("metadata");
      metadata != nullptr && !metadata->is_null()) {
    if (auto checked = check_metadata(*metadata); !checked) return checked.error();
  }
  if (auto key = optional_string(body, "prompt_cache_key"); !key) return key.error();
  if (auto key = optional_string(body, "prompt_cache_key"); !key) return key.error();
  for (const std::string_view field : {"user", "safety_identifier"}) {
    auto user = optional_string(body, field);
    if (!user) return user.error();
    if (*user) request.sampling.user = **user;
  }
  auto truncation = optional_string(body, "truncation");
  if (!truncation) return truncation.error();
  if (*truncation) {
    request.truncation = parse_truncation(**truncation);
    if (!request.truncation)
      return bad_request("truncation must be auto or disabled", "truncation");
  }
  auto store = optional_bool(body, "store");
  if (!store) return store.error();
  request.store = store->value_or(true);
  auto background = optional_bool(body, "background");
  if (!background) return background.error();
  request.background = background->value_or(false);
  auto stream = optional_bool(body, "stream");
  if (!stream) return stream.error();
  parsed.stream = stream->value_or(false);

  auto previous = read_id(body, "previous_response_id");
  if (!previous) return previous.error();
  if (*previous) {
    request.previous_response_id = response_store_id(**previous);
    if (!request.previous_response_id) {
      Error error = Error::not_found("response not found", "response_not_found");
      error.param = "previous_response_id";
      return error;
    }
  }
  if (const auto* conversation = body.if_contains("conversation");
      conversation != nullptr && !conversation->is_null()) {
    if (conversation->is_string()) {
      request.conversation_id = std::string(conversation->get_string());
    } else if (conversation->is_object() && conversation->get_object().contains("id") &&
               conversation->get_object().at("id").is_string()) {
      request.conversation_id = std::string(conversation->get_object().at("id").get_string());
    } else {
      return bad_request("conversation must be a conversation id or {\"id\": …}", "conversation");
    }
  }

  json::object echo{
      {"instructions", or_null(body, "instructions")},
      {"tools", tools_echo(body)},
      {"tool_choice", tool_choice_echo(body)},
      {"parallel_tool_calls", request.sampling.parallel_tool_calls.value_or(true)},
      {"temperature", request.sampling.temperature.value_or(1.0)},
      {"top_p", request.sampling.top_p.value_or(1.0)},
      {"max_output_tokens", or_null(body, "max_output_tokens")},
      {"max_tool_calls", or_null(body, "max_tool_calls")},
      {"text", text_echo(body)},
      {"metadata", body.contains("metadata") && body.at("metadata").is_object()
                       ? body.at("metadata")
                       : json::value(json::object{})},
      {"store", request.store},
      {"truncation", request.truncation ? to_string(*request.truncation) : "auto"},
      {"user", or_null(body, "user")},
      {"safety_identifier", or_null(body, "safety_identifier")},
      {"prompt_cache_key", or_null(body, "prompt_cache_key")},
  };
  request.echo = json::serialize(echo);
  return parsed;
}

json::object output_text_part(std::string_view text) {
  return json::object{{"type", "output_text"},
                      {"text", text},
                      {"annotations", json::array{}},
                      {"logprobs", json::array{}}};
}

json::object message_item(std::string id, std::string_view text, std::string_view status) {
  json::array content;
  if (status != "in_progress") content.push_back(output_text_part(text));
  return json::object{{"type", "message"},
                      {"id", std::move(id)},
                      {"status", status},
                      {"role", "assistant"},
                      {"content", std::move(content)}};
}

json::object mcp_call_item(std::string_view call_id, std::string_view name,
                           std::string_view arguments, std::string_view status) {
  return json::object{{"type", "mcp_call"},
                      {"id", "mcp_" + std::string(call_id)},
                      {"server_label", kAgentdServer},
                      {"name", name},
                      {"arguments", arguments},
                      {"output", nullptr},
                      {"error", nullptr},
                      {"status", status}};
}

json::object function_call_item(std::string_view call_id, std::string_view name,
                                std::string_view arguments, std::string_view status) {
  return json::object{{"type", "function_call"}, {"id", "fc_" + std::string(call_id)},
                      {"call_id", call_id},      {"name", name},
                      {"arguments", arguments},  {"status", status}};
}

json::object approval_request_item(std::string_view approval_id, std::string_view name,
                                   std::string_view arguments) {
  return json::object{{"type", "mcp_approval_request"},
                      {"id", std::string(kApprovalPrefix) + std::string(approval_id)},
                      {"server_label", kAgentdServer},
                      {"name", name},
                      {"arguments", arguments},
                      {"status", "completed"}};
}

std::string message_item_id(std::string_view response_id, int n) {
  return "msg_" + std::string(response_id) + "_" + std::to_string(n);
}

std::vector<std::string> client_tool_names(const StoredResponse& response) {
  std::vector<std::string> names;
  boost::system::error_code ec;
  auto echo = json::parse(response.request, ec);
  if (ec || !echo.is_object()) return names;
  const auto* tools = echo.get_object().if_contains("tools");
  if (tools == nullptr || !tools->is_array()) return names;
  for (const auto& tool : tools->get_array()) {
    if (tool.is_object() && string_or(tool.get_object(), "type") == "function") {
      names.emplace_back(string_or(tool.get_object(), "name"));
    }
  }
  return names;
}

namespace {

// The tool message answering `call_id` among `output`, if any.
const Message* answer_to(const std::vector<Message>& output, std::string_view call_id) {
  for (const auto& message : output) {
    if (message.role == "tool" && message.tool_call_id == call_id) return &message;
  }
  return nullptr;
}

// A finished mcp_call: the tool's answer as output, or its error.
json::object finished_mcp_call(const ModelToolCall& call, const Message& answer) {
  bool failed = false;
  std::string error;
  boost::system::error_code ec;
  auto parsed = json::parse(answer.content, ec);
  if (!ec && parsed.is_object() && parsed.get_object().size() <= 2 &&
      parsed.get_object().contains("error") && parsed.get_object().at("error").is_string()) {
    failed = true;
    error = std::string(parsed.get_object().at("error").get_string());
  }
  auto item = mcp_call_item(call.id, call.name, call.arguments, failed ? "failed" : "completed");
  if (failed) {
    item["error"] = error;
  } else {
    item["output"] = answer.content;
  }
  return item;
}

json::array output_items(const ResponseView& view) {
  json::array items;
  std::optional<std::size_t> last_message;
  const auto client_tools = client_tool_names(view.response);
  auto is_client = [&](const std::string& name) {
    return std::find(client_tools.begin(), client_tools.end(), name) != client_tools.end();
  };
  std::set<std::string> shown_calls;
  int messages = 0;
  for (const auto& message : view.output) {
    if (message.role == "assistant") {
      if (!message.content.empty()) {
        last_message = items.size();
        items.push_back(message_item(message_item_id(view.response.id, messages++), message.content,
                                     "completed"));
      }
      for (const auto& call : message.tool_calls) {
        shown_calls.insert(call.id);
        if (is_client(call.name)) {
          items.push_back(function_call_item(call.id, call.name, call.arguments, "completed"));
          continue;
        }
        if (const auto* answer = answer_to(view.output, call.id)) {
          items.push_back(finished_mcp_call(call, *answer));
          continue;
        }
        const auto approval =
            std::find_if(view.approvals.begin(), view.approvals.end(),
                         [&](const Approval& a) { return a.tool_call_id == call.id; });
        if (approval != view.approvals.end()) {
          items.push_back(approval_request_item(approval->id, call.name, call.arguments));
        } else {
          items.push_back(mcp_call_item(call.id, call.name, call.arguments, "in_progress"));
        }
      }
    } else if (message.role == "tool" && !shown_calls.contains(message.tool_call_id)) {
      // A call asked for by an earlier response, run once a person approved (or rejected) it.
      const auto approval =
          std::find_if(view.approvals.begin(), view.approvals.end(),
                       [&](const Approval& a) { return a.tool_call_id == message.tool_call_id; });
      if (approval == view.approvals.end()) continue;
      ModelToolCall call{approval->tool_call_id, approval->tool,
                         approval->edited_arguments.value_or(approval->arguments)};
      items.push_back(finished_mcp_call(call, message));
    }
  }
  // The answer that stopped at the output token limit.
  if (view.response.status == ResponseStatus::incomplete && last_message) {
    items[*last_message].as_object()["status"] = "incomplete";
  }
  return items;
}

json::value usage_json(const StoredResponse& response) {
  if (!is_final(response.status)) return nullptr;
  return json::object{{"input_tokens", response.usage.prompt_tokens},
                      {"input_tokens_details", {{"cached_tokens", 0}}},
                      {"output_tokens", response.usage.completion_tokens},
                      {"output_tokens_details", {{"reasoning_tokens", 0}}},
                      {"total_tokens", response.usage.total_tokens}};
}

}  // namespace

json::object to_json(const ResponseView& view, std::optional<ResponseStatus> status) {
  const auto& response = view.response;
  json::object object;
  boost::system::error_code ec;
  auto echo = json::parse(response.request, ec);
  if (!ec && echo.is_object()) object = std::move(echo.get_object());
  const auto shown = status.value_or(response.status);
  object["id"] = response_wire_id(response.id);
  object["object"] = "response";
  object["created_at"] = unix_seconds(response.created_at);
  object["completed_at"] = response.completed_at && is_final(shown)
                               ? json::value(unix_seconds(*response.completed_at))
                               : json::value(nullptr);
  object["status"] = to_string(shown);
  object["background"] = response.background;
  object["model"] = response.model;
  object["previous_response_id"] =
      response.previous_response_id ? json::value(response_wire_id(*response.previous_response_id))
                                    : json::value(nullptr);
  object["conversation"] = json::object{{"id", response.conversation_id}};
  object["output"] = is_final(shown) || !status ? output_items(view) : json::array{};
  const bool incomplete = shown == ResponseStatus::incomplete;
  object["error"] =
      response.error_code && is_final(shown) && !incomplete
          ? json::value(json::object{{"code", *response.error_code},
                                     {"message", response.error_message.value_or("")}})
          : json::value(nullptr);
  object["incomplete_details"] =
      incomplete
          ? json::value(json::object{{"reason", response.error_code.value_or("max_output_tokens")}})
          : json::value(nullptr);
  object["usage"] = is_final(shown) ? usage_json(response) : json::value(nullptr);
  object["reasoning"] = json::object{{"effort", nullptr}, {"summary", nullptr}};
  object["presence_penalty"] = 0.0;
  object["frequency_penalty"] = 0.0;
  object["top_logprobs"] = 0;
  object["service_tier"] = "default";
  return object;
}

json::array input_items_json(const StoredResponse& response) {
  boost::system::error_code ec;
  auto items = json::parse(response.input_items, ec);
  json::array listed;
  if (ec || !items.is_array()) return listed;
  int n = 0;
  for (auto& item : items.get_array()) {
    if (!item.is_object()) continue;
    auto object = std::move(item.get_object());
    object["id"] = "in_" + response.id + "_" + std::to_string(n++);
    listed.push_back(std::move(object));
  }
  return listed;
}

}  // namespace agentd::http
