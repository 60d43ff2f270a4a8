#include "infrastructure/http/dto/tool_dto.h"

#include <boost/json.hpp>

namespace agentd::http {

boost::json::object to_json(const ToolSpec& spec, const Principal& caller) {
  boost::json::object json{
      {"type", "function"},
      {"function",
       {{"name", spec.name}, {"description", spec.description}, {"parameters", spec.parameters}}},
      {"requires_approval", requires_approval(caller, spec)}};
  if (spec.annotations) json["annotations"] = *spec.annotations;
  return json;
}

boost::json::object to_json(const ToolResult& result) {
  boost::json::object json{{"tool_call_id", result.tool_call_id},
                           {"name", result.name},
                           {"status", result.ok() ? "ok" : "error"},
                           {"duration_ms", result.duration_ms}};
  if (result.result) json["result"] = *result.result;
  if (result.error) {
    json["error"] = {
        {"message", result.error->message},
        {"code", result.error->code.empty() ? std::string(to_string(result.error->kind))
                                            : result.error->code}};
  }
  return json;
}

Result<ToolCall> parse_tool_call(const boost::json::value& value, const std::string& param) {
  auto invalid = [&param](std::string message, const std::string& field) {
    return Error::invalid(std::move(message), param.empty() ? field : param + "." + field,
                          "invalid_tool_call");
  };
  if (!value.is_object()) return invalid("a tool call must be a JSON object", "function");
  const auto& object = value.get_object();
  ToolCall call;
  if (const auto* id = object.if_contains("id"); id != nullptr && !id->is_null()) {
    if (!id->is_string()) return invalid("id must be a string", "id");
    call.id = std::string(id->get_string());
  }
  if (const auto* type = object.if_contains("type");
      type != nullptr && !(type->is_string() && type->get_string() == "function")) {
    return invalid("type must be \"function\"", "type");
  }
  const auto* function = object.if_contains("function");
  if (function == nullptr || !function->is_object()) {
    return invalid("function is required: {\"name\",\"arguments\"}", "function");
  }
  const auto* name = function->get_object().if_contains("name");
  if (name == nullptr || !name->is_string() || name->get_string().empty()) {
    return invalid("function.name is required", "function.name");
  }
  call.name = std::string(name->get_string());
  if (const auto* arguments = function->get_object().if_contains("arguments")) {
    call.arguments = *arguments;
  }
  return call;
}

ToolResult malformed_call_result(const boost::json::value& item, Error error) {
  auto string_at = [](const boost::json::object* object, std::string_view key) {
    const auto* value = object == nullptr ? nullptr : object->if_contains(key);
    return value != nullptr && value->is_string() ? std::string(value->get_string()) : "";
  };
  const auto* call = item.if_object();
  const auto* function = call == nullptr ? nullptr : call->if_contains("function");
  ToolResult result;
  result.tool_call_id = string_at(call, "id");
  result.name = string_at(function == nullptr ? nullptr : function->if_object(), "name");
  result.error = std::move(error);
  return result;
}

}  // namespace agentd::http
