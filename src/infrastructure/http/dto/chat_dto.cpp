#include "infrastructure/http/dto/chat_dto.h"

#include <boost/json.hpp>
#include <set>

#include "infrastructure/http/json_fields.h"
#include "infrastructure/llm/openai_wire.h"

namespace agentd::http {
namespace {

Error invalid(std::string message, std::string param, std::string code = "invalid_request") {
  return Error::invalid(std::move(message), std::move(param), std::move(code));
}

// Fields agentd reads itself; everything else in a request is passed through upstream.
const std::set<std::string, std::less<>> kKnownFields = {"model",
                                                         "messages",
                                                         "tools",
                                                         "tool_choice",
                                                         "parallel_tool_calls",
                                                         "temperature",
                                                         "top_p",
                                                         "max_tokens",
                                                         "max_completion_tokens",
                                                         "stop",
                                                         "response_format",
                                                         "seed",
                                                         "user",
                                                         "stream",
                                                         "stream_options",
                                                         "agent"};

Result<std::optional<std::int64_t>> integer(const boost::json::object& body, std::string_view field,
                                            std::int64_t min) {
  const auto* value = body.if_contains(field);
  if (value == nullptr || value->is_null()) return std::optional<std::int64_t>{};
  if (!value->is_int64() && !value->is_uint64()) {
    return invalid(std::string(field) + " must be an integer", std::string(field));
  }
  const auto number =
      value->is_int64()
          ? value->get_int64()
          : static_cast<std::int64_t>(std::min<std::uint64_t>(value->get_uint64(), INT64_MAX));
  if (number < min) {
    return invalid(std::string(field) + " must be at least " + std::to_string(min),
                   std::string(field));
  }
  return std::optional<std::int64_t>{number};
}

Result<std::vector<ModelToolCall>> parse_tool_calls(const boost::json::value& value,
                                                    const std::string& param) {
  if (!value.is_array()) return invalid(param + " must be an array", param);
  std::vector<ModelToolCall> calls;
  for (std::size_t i = 0; i < value.get_array().size(); ++i) {
    const auto item_param = param + "[" + std::to_string(i) + "]";
    const auto* item = value.get_array()[i].if_object();
    if (item == nullptr) return invalid(item_param + " must be an object", item_param);
    const auto* id = item->if_contains("id");
    const auto* function = item->if_contains("function");
    if (id == nullptr || !id->is_string() || function == nullptr || !function->is_object()) {
      return invalid(item_param + " needs an id and a function", item_param);
    }
    const auto* name = function->get_object().if_contains("name");
    const auto* arguments = function->get_object().if_contains("arguments");
    if (name == nullptr || !name->is_string()) {
      return invalid(item_param + ".function.name must be a string", item_param + ".function.name");
    }
    ModelToolCall call{std::string(id->get_string()), std::string(name->get_string()), "{}"};
    if (arguments != nullptr && arguments->is_string()) {
      call.arguments = std::string(arguments->get_string());
    } else if (arguments != nullptr && arguments->is_object()) {
      call.arguments = boost::json::serialize(*arguments);
    }
    calls.push_back(std::move(call));
  }
  return calls;
}

Result<std::vector<ToolDefinition>> parse_tools(const boost::json::value& value) {
  if (!value.is_array()) return invalid("tools must be an array", "tools");
  std::vector<ToolDefinition> tools;
  for (std::size_t i = 0; i < value.get_array().size(); ++i) {
    const auto param = "tools[" + std::to_string(i) + "]";
    const auto* item = value.get_array()[i].if_object();
    const auto* function = item == nullptr ? nullptr : item->if_contains("function");
    if (function == nullptr || !function->is_object()) {
      return invalid(param + " must be {\"type\":\"function\",\"function\":{…}}", param);
    }
    const auto& fields = function->get_object();
    const auto* name = fields.if_contains("name");
    if (name == nullptr || !name->is_string() || name->get_string().empty()) {
      return invalid(param + ".function.name is required", param + ".function.name");
    }
    ToolDefinition tool{std::string(name->get_string()), {}, {}};
    if (const auto* description = fields.if_contains("description");
        description && description->is_string()) {
      tool.description = std::string(description->get_string());
    }
    if (const auto* parameters = fields.if_contains("parameters");
        parameters && parameters->is_object()) {
      tool.parameters = parameters->get_object();
    } else {
      tool.parameters = {{"type", "object"}, {"properties", boost::json::object{}}};
    }
    tools.push_back(std::move(tool));
  }
  return tools;
}

Result<AgentOptions> parse_agent(const boost::json::value& value) {
  if (!value.is_object()) return invalid("agent must be an object", "agent");
  const auto& fields = value.get_object();
  AgentOptions options;
  if (const auto* tools = fields.if_contains("tools"); tools != nullptr && !tools->is_null()) {
    if (tools->is_string() && tools->get_string() == "all") {
      options.tools = std::nullopt;
    } else if (tools->is_array()) {
      std::vector<std::string> names;
      for (const auto& name : tools->get_array()) {
        if (!name.is_string())
          return invalid("agent.tools must be \"all\" or a list of names", "agent.tools");
        names.emplace_back(name.get_string());
      }
      options.tools = std::move(names);
    } else {
      return invalid("agent.tools must be \"all\" or a list of names", "agent.tools");
    }
  }
  auto steps = integer(fields, "max_steps", 1);
  if (!steps) {
    auto error = std::move(steps).take_error();
    error.param = "agent.max_steps";  // the helper names the field without its parent
    return error;
  }
  if (*steps) {
    if (**steps > 50) return invalid("agent.max_steps must be at most 50", "agent.max_steps");
    options.max_steps = static_cast<int>(**steps);
  }
  return options;
}

}  // namespace

Result<ChatMessage> parse_chat_message(const boost::json::value& value, const std::string& param) {
  const auto* fields = value.if_object();
  if (fields == nullptr) return invalid(param + " must be an object", param);
  const auto* role = fields->if_contains("role");
  if (role == nullptr || !role->is_string())
    return invalid(param + ".role is required", param + ".role");
  ChatMessage message;
  message.role = std::string(role->get_string());
  if (message.role == "developer") message.role = "system";
  if (message.role != "system" && message.role != "user" && message.role != "assistant" &&
      message.role != "tool") {
    return invalid(param + ".role must be system, user, assistant or tool", param + ".role");
  }
  if (const auto* content = fields->if_contains("content");
      content != nullptr && !content->is_null()) {
    if (content->is_string()) {
      message.content = std::string(content->get_string());
    } else if (content->is_array()) {
      // Text parts are flattened for providers that only take text; the parts themselves
      // are passed through as they came.
      for (const auto& part : content->get_array()) {
        const auto* text = part.is_object() ? part.get_object().if_contains("text") : nullptr;
        if (text != nullptr && text->is_string()) message.content += text->get_string();
      }
      message.content_parts = *content;
    } else {
      return invalid(param + ".content must be a string or an array of parts", param + ".content");
    }
  }
  if (const auto* calls = fields->if_contains("tool_calls");
      calls != nullptr && !calls->is_null()) {
    if (message.role != "assistant") {
      return invalid(param + ".tool_calls is only valid on assistant messages",
                     param + ".tool_calls");
    }
    auto parsed = parse_tool_calls(*calls, param + ".tool_calls");
    if (!parsed) return std::move(parsed).take_error();
    message.tool_calls = std::move(*parsed);
  }
  if (message.role == "tool") {
    const auto* id = fields->if_contains("tool_call_id");
    if (id == nullptr || !id->is_string() || id->get_string().empty()) {
      return invalid(param + ".tool_call_id is required on tool messages", param + ".tool_call_id");
    }
    message.tool_call_id = std::string(id->get_string());
  }
  if (const auto* name = fields->if_contains("name"); name != nullptr && name->is_string()) {
    message.name = std::string(name->get_string());
  }
  return message;
}

Result<ChatCompletionsRequest> parse_chat_completions_request(const boost::json::value& body) {
  const auto* fields = body.if_object();
  if (fields == nullptr) return invalid("request body must be a JSON object", "");
  ChatCompletionsRequest parsed;
  auto& chat = parsed.chat;
  if (const auto* model = fields->if_contains("model"); model != nullptr && !model->is_null()) {
    if (!model->is_string()) return invalid("model must be a string", "model");
    chat.model = std::string(model->get_string());
  }
  const auto* messages = fields->if_contains("messages");
  if (messages == nullptr || !messages->is_array() || messages->get_array().empty()) {
    return invalid("messages must be a non-empty array", "messages");
  }
  if (messages->get_array().size() > kMaxMessages) {
    return invalid("messages holds at most 1000 messages", "messages", "too_many_messages");
  }
  for (std::size_t i = 0; i < messages->get_array().size(); ++i) {
    auto message =
        parse_chat_message(messages->get_array()[i], "messages[" + std::to_string(i) + "]");
    if (!message) return std::move(message).take_error();
    chat.messages.push_back(std::move(*message));
  }
  if (const auto* tools = fields->if_contains("tools"); tools != nullptr && !tools->is_null()) {
    auto parsed_tools = parse_tools(*tools);
    if (!parsed_tools) return std::move(parsed_tools).take_error();
    chat.tools = std::move(*parsed_tools);
  }
  if (const auto* choice = fields->if_contains("tool_choice");
      choice != nullptr && !choice->is_null()) {
    chat.tool_choice = *choice;
  }
  if (const auto* parallel = fields->if_contains("parallel_tool_calls");
      parallel != nullptr && !parallel->is_null()) {
    if (!parallel->is_bool())
      return invalid("parallel_tool_calls must be a boolean", "parallel_tool_calls");
    chat.parallel_tool_calls = parallel->get_bool();
  }
  auto temperature = optional_number(*fields, "temperature", 0, 2);
  if (!temperature) return std::move(temperature).take_error();
  chat.temperature = *temperature;
  auto top_p = optional_number(*fields, "top_p", 0, 1);
  if (!top_p) return std::move(top_p).take_error();
  chat.top_p = *top_p;
  for (std::string_view field : {"max_completion_tokens", "max_tokens"}) {
    auto tokens = integer(*fields, field, 1);
    if (!tokens) return std::move(tokens).take_error();
    if (*tokens && !chat.max_tokens) chat.max_tokens = *tokens;
  }
  auto seed = integer(*fields, "seed", INT64_MIN);
  if (!seed) return std::move(seed).take_error();
  chat.seed = *seed;
  if (const auto* stop = fields->if_contains("stop"); stop != nullptr && !stop->is_null()) {
    if (!stop->is_string() && !stop->is_array())
      return invalid("stop must be a string or an array", "stop");
    chat.stop = *stop;
  }
  if (const auto* format = fields->if_contains("response_format");
      format != nullptr && !format->is_null()) {
    if (!format->is_object())
      return invalid("response_format must be an object", "response_format");
    chat.response_format = *format;
  }
  if (const auto* user = fields->if_contains("user"); user != nullptr && !user->is_null()) {
    if (!user->is_string()) return invalid("user must be a string", "user");
    chat.user = std::string(user->get_string());
  }
  if (const auto* stream = fields->if_contains("stream"); stream != nullptr && !stream->is_null()) {
    if (!stream->is_bool()) return invalid("stream must be a boolean", "stream");
    parsed.stream = stream->get_bool();
  }
  if (const auto* options = fields->if_contains("stream_options");
      options != nullptr && options->is_object()) {
    if (const auto* usage = options->get_object().if_contains("include_usage");
        usage && usage->is_bool()) {
      parsed.include_usage = usage->get_bool();
    }
  }
  if (const auto* agent = fields->if_contains("agent"); agent != nullptr && !agent->is_null()) {
    auto options = parse_agent(*agent);
    if (!options) return std::move(options).take_error();
    parsed.agent = std::move(*options);
  }
  for (const auto& field : *fields) {
    if (!kKnownFields.contains(field.key())) chat.extra[field.key()] = field.value();
  }
  return parsed;
}

boost::json::object to_json(const Usage& usage) {
  return {{"prompt_tokens", usage.prompt_tokens},
          {"completion_tokens", usage.completion_tokens},
          {"total_tokens", usage.total_tokens}};
}

boost::json::object completion_json(const std::string& id, std::int64_t created,
                                    const ChatCompletion& completion) {
  boost::json::object choice{{"index", 0},
                             {"message", llm::to_openai_json(completion.message)},
                             {"finish_reason", completion.finish_reason.empty()
                                                   ? boost::json::value("stop")
                                                   : boost::json::value(completion.finish_reason)},
                             {"logprobs", nullptr}};
  boost::json::object json{{"id", id},
                           {"object", "chat.completion"},
                           {"created", created},
                           {"model", completion.model},
                           {"choices", boost::json::array{std::move(choice)}}};
  if (completion.usage) json["usage"] = to_json(*completion.usage);
  return json;
}

boost::json::object chunk_json(const std::string& id, std::int64_t created,
                               const std::string& model, const ChatDelta& delta, FirstChunk first) {
  boost::json::object delta_json;
  if (first == FirstChunk::yes) delta_json["role"] = "assistant";
  if (!delta.content.empty()) delta_json["content"] = delta.content;
  if (!delta.tool_calls.empty()) {
    boost::json::array calls;
    for (const auto& call : delta.tool_calls) {
      boost::json::object function{{"arguments", call.arguments}};
      if (call.name) function["name"] = *call.name;
      boost::json::object item{{"index", call.index}, {"function", std::move(function)}};
      if (call.id) {
        item["id"] = *call.id;
        item["type"] = "function";
      }
      calls.push_back(std::move(item));
    }
    delta_json["tool_calls"] = std::move(calls);
  }
  boost::json::object choice{
      {"index", 0},
      {"delta", std::move(delta_json)},
      {"finish_reason", delta.finish_reason ? boost::json::value(*delta.finish_reason)
                                            : boost::json::value(nullptr)},
      {"logprobs", nullptr}};
  return {{"id", id},
          {"object", "chat.completion.chunk"},
          {"created", created},
          {"model", model},
          {"choices", boost::json::array{std::move(choice)}}};
}

boost::json::object usage_chunk_json(const std::string& id, std::int64_t created,
                                     const std::string& model, const Usage& usage) {
  return {{"id", id},       {"object", "chat.completion.chunk"}, {"created", created},
          {"model", model}, {"choices", boost::json::array{}},   {"usage", to_json(usage)}};
}

}  // namespace agentd::http
