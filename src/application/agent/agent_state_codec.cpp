#include "application/agent/agent_state_codec.h"

#include <boost/json.hpp>

namespace agentd {
namespace {

namespace json = boost::json;

json::array calls_json(const std::vector<ModelToolCall>& calls) {
  json::array array;
  for (const auto& call : calls) {
    array.push_back({{"id", call.id}, {"name", call.name}, {"arguments", call.arguments}});
  }
  return array;
}

json::object message_json(const ChatMessage& message) {
  json::object object{{"role", message.role}, {"content", message.content}};
  if (message.content_parts) object["content_parts"] = *message.content_parts;
  if (!message.tool_calls.empty()) object["tool_calls"] = calls_json(message.tool_calls);
  if (!message.tool_call_id.empty()) object["tool_call_id"] = message.tool_call_id;
  if (!message.name.empty()) object["name"] = message.name;
  return object;
}

std::string text(const json::object& object, std::string_view key) {
  const auto* value = object.if_contains(key);
  return value != nullptr && value->is_string() ? std::string(value->get_string()) : std::string();
}

std::int64_t number(const json::object& object, std::string_view key) {
  const auto* value = object.if_contains(key);
  return value != nullptr && value->is_int64() ? value->get_int64() : 0;
}

std::vector<ModelToolCall> read_calls(const json::object& object, std::string_view key) {
  std::vector<ModelToolCall> calls;
  const auto* array = object.if_contains(key);
  if (array == nullptr || !array->is_array()) return calls;
  for (const auto& item : array->get_array()) {
    if (!item.is_object()) continue;
    const auto& call = item.get_object();
    calls.push_back({text(call, "id"), text(call, "name"), text(call, "arguments")});
  }
  return calls;
}

json::value names_json(const NameAllowList& names) {
  if (!names) return nullptr;
  json::array array;
  for (const auto& name : *names) array.emplace_back(name);
  return array;
}

std::vector<std::string> read_names(const json::value& value) {
  std::vector<std::string> names;
  if (!value.is_array()) return names;
  for (const auto& name : value.get_array()) {
    if (name.is_string()) names.emplace_back(name.get_string());
  }
  return names;
}

NameAllowList read_allow_list(const json::object& object, std::string_view key) {
  const auto* value = object.if_contains(key);
  if (value == nullptr || !value->is_array()) return std::nullopt;
  return read_names(*value);
}

std::optional<std::string> optional_text(const json::object& object, std::string_view key) {
  const auto* value = object.if_contains(key);
  if (value == nullptr || !value->is_string()) return std::nullopt;
  return std::string(value->get_string());
}

json::object caller_json(const Principal& caller) {
  json::array approval;
  for (const auto& name : caller.approval_required_tools) approval.emplace_back(name);
  json::object object{{"user_id", caller.user_id},
                      {"role", to_string(caller.role)},
                      {"allowed_tools", names_json(caller.allowed_tools)},
                      {"allowed_models", names_json(caller.allowed_models)},
                      {"approval_required_tools", std::move(approval)},
                      {"can_approve", caller.can_approve}};
  if (caller.session_id) object["session_id"] = *caller.session_id;
  if (caller.api_key_id) object["api_key_id"] = *caller.api_key_id;
  if (caller.rate_limit_per_minute) object["rate_limit_per_minute"] = *caller.rate_limit_per_minute;
  return object;
}

Principal read_caller(const json::object& object) {
  Principal caller;
  caller.user_id = text(object, "user_id");
  caller.role = parse_role(text(object, "role")).value_or(Role::user);
  caller.session_id = optional_text(object, "session_id");
  caller.api_key_id = optional_text(object, "api_key_id");
  caller.allowed_tools = read_allow_list(object, "allowed_tools");
  caller.allowed_models = read_allow_list(object, "allowed_models");
  if (const auto* names = object.if_contains("approval_required_tools")) {
    caller.approval_required_tools = read_names(*names);
  }
  const auto* can_approve = object.if_contains("can_approve");
  caller.can_approve = can_approve != nullptr && can_approve->is_bool() && can_approve->get_bool();
  if (const auto* limit = object.if_contains("rate_limit_per_minute"); limit && limit->is_int64()) {
    caller.rate_limit_per_minute = static_cast<int>(limit->get_int64());
  }
  return caller;
}

ChatMessage read_message(const json::object& object) {
  ChatMessage message;
  message.role = text(object, "role");
  message.content = text(object, "content");
  if (const auto* parts = object.if_contains("content_parts")) message.content_parts = *parts;
  message.tool_calls = read_calls(object, "tool_calls");
  message.tool_call_id = text(object, "tool_call_id");
  message.name = text(object, "name");
  return message;
}

}  // namespace

std::string encode_agent_state(const AgentState& state) {
  json::array messages;
  for (const auto& message : state.messages) messages.push_back(message_json(message));
  json::array tools;
  for (const auto& tool : state.tools) tools.push_back(json::string(tool));
  json::object object{
      {"version", 1},
      {"model", state.model},
      {"tools", std::move(tools)},
      {"max_steps", state.max_steps},
      {"steps", state.steps},
      {"messages", std::move(messages)},
      {"pending_calls", calls_json(state.pending_calls)},
      {"usage",
       {{"prompt_tokens", state.usage.prompt_tokens},
        {"completion_tokens", state.usage.completion_tokens},
        {"total_tokens", state.usage.total_tokens}}},
      {"answered_by", state.answered_by},
  };
  json::array awaiting;
  for (const auto& id : state.awaiting_approval) awaiting.push_back(json::string(id));
  object["awaiting_approval"] = std::move(awaiting);
  json::object decisions;
  for (const auto& [id, decision] : state.decisions) {
    json::object item{{"approved", decision.approved}, {"reason", decision.reason}};
    if (decision.arguments) item["arguments"] = *decision.arguments;
    decisions[id] = std::move(item);
  }
  object["decisions"] = std::move(decisions);
  if (!state.started_calls.empty()) {
    json::array started;
    for (const auto& id : state.started_calls) started.push_back(json::string(id));
    object["started_calls"] = std::move(started);
    json::object finished;
    for (const auto& [id, message] : state.finished_calls) finished[id] = message_json(message);
    object["finished_calls"] = std::move(finished);
  }
  json::object sampling;
  const auto& options = state.sampling;
  if (options.temperature) sampling["temperature"] = *options.temperature;
  if (options.top_p) sampling["top_p"] = *options.top_p;
  if (options.max_tokens) sampling["max_tokens"] = *options.max_tokens;
  if (options.seed) sampling["seed"] = *options.seed;
  if (options.user) sampling["user"] = *options.user;
  if (options.tool_choice) sampling["tool_choice"] = *options.tool_choice;
  if (options.parallel_tool_calls) sampling["parallel_tool_calls"] = *options.parallel_tool_calls;
  if (options.response_format) sampling["response_format"] = *options.response_format;
  object["sampling"] = std::move(sampling);
  if (!state.client_tools.empty()) {
    json::array client_tools;
    for (const auto& tool : state.client_tools) {
      client_tools.push_back(json::object{
          {"name", tool.name}, {"description", tool.description}, {"parameters", tool.parameters}});
    }
    object["client_tools"] = std::move(client_tools);
  }
  if (state.caller) object["caller"] = caller_json(*state.caller);
  object["context"] = {
      {"truncation", to_string(state.truncation)},  {"token_ratio", state.token_ratio},
      {"messages_sent", state.messages_sent},       {"messages_left_out", state.messages_left_out},
      {"history_left_out", state.history_left_out}, {"retries", state.context_retries}};
  if (state.cut_short) object["cut_short"] = true;
  return json::serialize(object);
}

Result<AgentState> decode_agent_state(const std::string& text_in) {
  boost::system::error_code ec;
  auto parsed = json::parse(text_in, ec);
  if (ec || !parsed.is_object()) return Error::internal("a run checkpoint is not valid JSON");
  const auto& object = parsed.get_object();
  if (number(object, "version") != 1)
    return Error::internal("a run checkpoint has an unknown version");
  AgentState state;
  state.model = text(object, "model");
  if (const auto* tools = object.if_contains("tools"); tools != nullptr && tools->is_array()) {
    for (const auto& tool : tools->get_array()) {
      if (tool.is_string()) state.tools.emplace_back(tool.get_string());
    }
  }
  state.max_steps = static_cast<int>(number(object, "max_steps"));
  state.steps = static_cast<int>(number(object, "steps"));
  if (const auto* messages = object.if_contains("messages");
      messages != nullptr && messages->is_array()) {
    for (const auto& message : messages->get_array()) {
      if (message.is_object()) state.messages.push_back(read_message(message.get_object()));
    }
  }
  state.pending_calls = read_calls(object, "pending_calls");
  if (const auto* usage = object.if_contains("usage"); usage != nullptr && usage->is_object()) {
    state.usage.prompt_tokens = number(usage->get_object(), "prompt_tokens");
    state.usage.completion_tokens = number(usage->get_object(), "completion_tokens");
    state.usage.total_tokens = number(usage->get_object(), "total_tokens");
  }
  state.answered_by = text(object, "answered_by");
  if (const auto* awaiting = object.if_contains("awaiting_approval")) {
    state.awaiting_approval = read_names(*awaiting);
  }
  if (const auto* decisions = object.if_contains("decisions");
      decisions != nullptr && decisions->is_object()) {
    for (const auto& [id, value] : decisions->get_object()) {
      if (!value.is_object()) continue;
      const auto& item = value.get_object();
      ToolDecision decision;
      const auto* approved = item.if_contains("approved");
      decision.approved = approved != nullptr && approved->is_bool() && approved->get_bool();
      decision.reason = text(item, "reason");
      if (const auto* arguments = item.if_contains("arguments");
          arguments != nullptr && arguments->is_string()) {
        decision.arguments = std::string(arguments->get_string());
      }
      state.decisions.emplace(std::string(id), std::move(decision));
    }
  }
  if (const auto* started = object.if_contains("started_calls")) {
    state.started_calls = read_names(*started);
  }
  if (const auto* finished = object.if_contains("finished_calls");
      finished != nullptr && finished->is_object()) {
    for (const auto& [id, message] : finished->get_object()) {
      if (message.is_object()) {
        state.finished_calls.emplace(std::string(id), read_message(message.get_object()));
      }
    }
  }
  if (const auto* sampling = object.if_contains("sampling");
      sampling != nullptr && sampling->is_object()) {
    const auto& options = sampling->get_object();
    auto real = [&](std::string_view key) -> std::optional<double> {
      const auto* value = options.if_contains(key);
      if (value == nullptr || !value->is_number()) return std::nullopt;
      return value->to_number<double>();
    };
    auto integer = [&](std::string_view key) -> std::optional<std::int64_t> {
      const auto* value = options.if_contains(key);
      if (value == nullptr || !value->is_int64()) return std::nullopt;
      return value->get_int64();
    };
    state.sampling.temperature = real("temperature");
    state.sampling.top_p = real("top_p");
    state.sampling.max_tokens = integer("max_tokens");
    state.sampling.seed = integer("seed");
    if (const auto* user = options.if_contains("user"); user != nullptr && user->is_string()) {
      state.sampling.user = std::string(user->get_string());
    }
    if (const auto* choice = options.if_contains("tool_choice"))
      state.sampling.tool_choice = *choice;
    if (const auto* parallel = options.if_contains("parallel_tool_calls");
        parallel != nullptr && parallel->is_bool()) {
      state.sampling.parallel_tool_calls = parallel->get_bool();
    }
    if (const auto* format = options.if_contains("response_format")) {
      state.sampling.response_format = *format;
    }
  }
  if (const auto* tools = object.if_contains("client_tools");
      tools != nullptr && tools->is_array()) {
    for (const auto& tool : tools->get_array()) {
      if (!tool.is_object()) continue;
      const auto& item = tool.get_object();
      ToolDefinition definition{text(item, "name"), text(item, "description"), {}};
      if (const auto* parameters = item.if_contains("parameters");
          parameters != nullptr && parameters->is_object()) {
        definition.parameters = parameters->get_object();
      }
      state.client_tools.push_back(std::move(definition));
    }
  }
  if (const auto* caller = object.if_contains("caller"); caller != nullptr && caller->is_object()) {
    state.caller = read_caller(caller->get_object());
  }
  // Checkpoints from before context fitting have none: the defaults apply.
  if (const auto* context = object.if_contains("context");
      context != nullptr && context->is_object()) {
    const auto& fit = context->get_object();
    state.truncation = parse_truncation(text(fit, "truncation")).value_or(Truncation::automatic);
    if (const auto* ratio = fit.if_contains("token_ratio");
        ratio != nullptr && ratio->is_number()) {
      state.token_ratio = ratio->to_number<double>();
    }
    state.messages_sent = static_cast<int>(number(fit, "messages_sent"));
    state.messages_left_out = static_cast<int>(number(fit, "messages_left_out"));
    state.history_left_out = static_cast<int>(number(fit, "history_left_out"));
    state.context_retries = static_cast<int>(number(fit, "retries"));
  }
  const auto* cut_short = object.if_contains("cut_short");
  state.cut_short = cut_short != nullptr && cut_short->is_bool() && cut_short->get_bool();
  return state;
}

}  // namespace agentd
