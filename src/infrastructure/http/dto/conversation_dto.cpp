#include "infrastructure/http/dto/conversation_dto.h"

#include <boost/json/serialize.hpp>

#include "infrastructure/http/dto/chat_dto.h"
#include "infrastructure/http/dto/tool_dto.h"
#include "infrastructure/http/error_response.h"
#include "infrastructure/http/json_fields.h"
#include "infrastructure/llm/openai_wire.h"
#include "infrastructure/text/rfc3339.h"

namespace agentd::http {
namespace {

namespace json = boost::json;

template <typename... Ts>
struct Overloaded : Ts... {
  using Ts::operator()...;
};
template <typename... Ts>
Overloaded(Ts...) -> Overloaded<Ts...>;

// "truncation": "auto" or "disabled", when present.
Result<std::optional<Truncation>> optional_truncation(const json::object& fields) {
  auto text = optional_string(fields, "truncation");
  if (!text) return text.error();
  if (!*text) return std::optional<Truncation>{};
  auto truncation = parse_truncation(**text);
  if (!truncation) {
    return Error::invalid("truncation must be \"auto\" or \"disabled\"", "truncation");
  }
  return std::optional<Truncation>{*truncation};
}

}  // namespace

json::object to_json(const Run& run) {
  json::object object{{"id", run.id},
                      {"object", "run"},
                      {"conversation_id", run.conversation_id},
                      {"status", to_string(run.status)},
                      {"steps", run.steps},
                      {"usage", to_json(run.usage)},
                      {"model", run.model},
                      {"attempts", run.attempts},
                      {"messages_sent", run.messages_sent},
                      {"messages_left_out", run.messages_left_out},
                      {"created_at", format_rfc3339_seconds(run.created_at)},
                      {"updated_at", format_rfc3339_seconds(run.updated_at)}};
  if (run.error) object["error"] = *run.error;
  if (run.finished_at) object["finished_at"] = format_rfc3339_seconds(*run.finished_at);
  if (run.cancel_requested_at) {
    object["cancel_requested_at"] = format_rfc3339_seconds(*run.cancel_requested_at);
  }
  return object;
}

json::object to_json(const Conversation& conversation) {
  return {{"id", conversation.id},
          {"object", "conversation"},
          {"title", conversation.title},
          {"model", conversation.model},
          {"status", to_string(conversation.status)},
          {"truncation", to_string(conversation.truncation)},
          {"created_at", format_rfc3339_seconds(conversation.created_at)},
          {"updated_at", format_rfc3339_seconds(conversation.updated_at)},
          {"message_count", conversation.message_count}};
}

json::object to_json(const Message& message) {
  json::object object{{"id", message.id}, {"role", message.role}, {"content", message.content}};
  if (!message.tool_calls.empty()) {
    json::array calls;
    for (const auto& call : message.tool_calls) calls.push_back(llm::to_openai_json(call));
    object["tool_calls"] = std::move(calls);
  }
  if (!message.tool_call_id.empty()) object["tool_call_id"] = message.tool_call_id;
  if (!message.name.empty()) object["name"] = message.name;
  object["created_at"] = format_rfc3339_seconds(message.created_at);
  if (message.usage) object["usage"] = to_json(*message.usage);
  return object;
}

json::object to_json(const Approval& approval) {
  json::object object{{"id", approval.id},
                      {"object", "approval"},
                      {"conversation_id", approval.conversation_id},
                      {"run_id", approval.run_id},
                      {"tool_call_id", approval.tool_call_id},
                      {"tool", approval.tool},
                      {"arguments", approval.arguments},
                      {"status", to_string(approval.status)},
                      {"created_at", format_rfc3339_seconds(approval.created_at)},
                      {"expires_at", format_rfc3339_seconds(approval.expires_at)}};
  if (approval.decided_at) object["decided_at"] = format_rfc3339_seconds(*approval.decided_at);
  object["decided_by"] = nullptr;
  if (const auto& decider = approval.decided_by) {
    json::value key = nullptr;
    if (decider->api_key_id) key = *decider->api_key_id;
    object["decided_by"] = {{"user_id", decider->user_id}, {"api_key_id", std::move(key)}};
  }
  object["reason"] = approval.reason ? json::value(*approval.reason) : json::value(nullptr);
  if (approval.edited_arguments) object["edited_arguments"] = *approval.edited_arguments;
  return object;
}

json::array to_json(const std::vector<Approval>& approvals) {
  json::array array;
  for (const auto& approval : approvals) array.push_back(to_json(approval));
  return array;
}

json::object to_json(const RunResult& result) {
  json::object object{{"run", to_json(result.run)}};
  object["message"] = result.message ? json::value(to_json(*result.message)) : json::value(nullptr);
  object["pending_approvals"] = to_json(result.pending_approvals);
  return object;
}

json::value event_data(const RunEvent& event) {
  return std::visit(
      Overloaded{
          [](const RunStarted& e) -> json::value {
            return {{"run", to_json(e.run)}, {"conversation_id", e.run.conversation_id}};
          },
          [](const MessageDelta& e) -> json::value {
            return {{"content", e.content}};
          },
          [](const ToolCallStarted& e) -> json::value {
            return {{"tool_call_id", e.call.id},
                    {"name", e.call.name},
                    {"arguments", e.call.arguments}};
          },
          [](const ToolCallCompleted& e) -> json::value { return to_json(e.result); },
          [](const ApprovalRequired& e) -> json::value {
            return {{"approvals", to_json(e.approvals)}};
          },
          [](const RunCompleted& e) -> json::value { return to_json(e.result); },
          [](const RunFailed& e) -> json::value { return error_json(e.error); },
      },
      event);
}

std::string sse_event(std::int64_t id, const RunEvent& event) {
  std::string text = "id: " + std::to_string(id) + "\nevent: ";
  text += event_name(event);
  text += "\ndata: ";
  text += json::serialize(event_data(event));
  text += "\n\n";
  return text;
}

FeedEvent feed_event(const NumberedEvent& numbered) {
  return FeedEvent{numbered.id, std::string(event_name(numbered.event)),
                   json::serialize(event_data(numbered.event)), is_terminal(numbered.event)};
}

Result<CreateConversationBody> parse_create_conversation(const json::value& body) {
  auto fields = require_object(body);
  if (!fields) return fields.error();
  CreateConversationBody parsed;
  auto title = optional_string(**fields, "title");
  if (!title) return title.error();
  auto model = optional_string(**fields, "model");
  if (!model) return model.error();
  auto system_prompt = optional_string(**fields, "system_prompt");
  if (!system_prompt) return system_prompt.error();
  auto message = optional_string(**fields, "message");
  if (!message) return message.error();
  auto truncation = optional_truncation(**fields);
  if (!truncation) return truncation.error();
  parsed.conversation =
      NewConversation{std::move(*title), std::move(*model), std::move(*system_prompt), *truncation};
  parsed.message = std::move(*message);
  return parsed;
}

Result<TurnBody> parse_turn(const json::value& body) {
  auto fields = require_object(body);
  if (!fields) return fields.error();
  TurnBody parsed;
  auto message = required_string(**fields, "message");
  if (!message) return message.error();
  auto model = optional_string(**fields, "model");
  if (!model) return model.error();
  auto tools = optional_string_list(**fields, "tools");
  if (!tools) return tools.error();
  auto max_steps = optional_integer(**fields, "max_steps");
  if (!max_steps) return max_steps.error();
  auto stream = optional_bool(**fields, "stream");
  if (!stream) return stream.error();
  auto background = optional_bool(**fields, "background");
  if (!background) return background.error();
  auto truncation = optional_truncation(**fields);
  if (!truncation) return truncation.error();

  parsed.turn.message = std::move(*message);
  parsed.turn.truncation = *truncation;
  if (*model && !(*model)->empty()) parsed.turn.model = std::move(*model);
  parsed.turn.tools = std::move(*tools);
  if (*max_steps) {
    if (**max_steps < 1 || **max_steps > 1000) {
      return Error::invalid("max_steps must be a positive integer", "max_steps");
    }
    parsed.turn.max_steps = static_cast<int>(**max_steps);
  }
  parsed.stream = stream->value_or(false);
  parsed.turn.background = background->value_or(false);
  return parsed;
}

namespace {

// Edited arguments come as an object or as JSON text holding one; both are kept as text.
Result<std::optional<std::string>> edited_arguments(const json::object& fields,
                                                    const std::string& param) {
  const auto* value = fields.if_contains("arguments");
  if (value == nullptr || value->is_null()) return std::optional<std::string>{};
  if (value->is_object()) return std::optional<std::string>{json::serialize(*value)};
  if (value->is_string()) return std::optional<std::string>{std::string(value->get_string())};
  return Error::invalid("arguments must be a JSON object or a string holding one", param,
                        "invalid_arguments");
}

Result<ApprovalDecision> parse_decision(const json::value& value, const std::string& param) {
  if (!value.is_object()) return Error::invalid("a decision must be a JSON object", param);
  const auto& fields = value.get_object();
  ApprovalDecision decision;
  auto id = required_string(fields, "tool_call_id");
  if (!id) return Error::invalid(id.error().message, param + ".tool_call_id");
  decision.tool_call_id = std::move(*id);
  const auto* approved = fields.if_contains("approved");
  if (approved == nullptr || !approved->is_bool()) {
    return Error::invalid("approved must be true or false", param + ".approved");
  }
  decision.approved = approved->get_bool();
  auto reason = optional_string(fields, "reason");
  if (!reason) return Error::invalid(reason.error().message, param + ".reason");
  decision.reason = std::move(*reason);
  auto arguments = edited_arguments(fields, param + ".arguments");
  if (!arguments) return arguments.error();
  decision.arguments = std::move(*arguments);
  return decision;
}

}  // namespace

Result<ApproveBody> parse_approve(const json::value& body) {
  auto fields = require_object(body);
  if (!fields) return fields.error();
  ApproveBody parsed;
  auto stream = optional_bool(**fields, "stream");
  if (!stream) return stream.error();
  auto background = optional_bool(**fields, "background");
  if (!background) return background.error();
  parsed.stream = stream->value_or(false);
  parsed.approve.background = background->value_or(false);

  const auto* decisions = (*fields)->if_contains("decisions");
  const bool short_form = (*fields)->contains("approved");
  if (decisions != nullptr && short_form) {
    return Error::invalid("give either decisions or approved, not both", "decisions");
  }
  if (short_form) {
    auto approved = optional_bool(**fields, "approved");
    if (!approved) return approved.error();
    if (!*approved) return Error::invalid("approved must be true or false", "approved");
    parsed.approve.approve_all = **approved;
    auto reason = optional_string(**fields, "reason");
    if (!reason) return reason.error();
    parsed.approve.reason = reason->value_or(std::string());
    return parsed;
  }
  if (decisions == nullptr || !decisions->is_array() || decisions->get_array().empty()) {
    return Error::invalid("decisions must be a non-empty list, or use {\"approved\":bool}",
                          "decisions");
  }
  const auto& list = decisions->get_array();
  for (std::size_t i = 0; i < list.size(); ++i) {
    auto decision = parse_decision(list[i], "decisions[" + std::to_string(i) + "]");
    if (!decision) return decision.error();
    parsed.approve.decisions.push_back(std::move(*decision));
  }
  return parsed;
}

}  // namespace agentd::http
