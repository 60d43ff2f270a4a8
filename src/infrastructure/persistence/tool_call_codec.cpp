#include "infrastructure/persistence/tool_call_codec.h"

#include <boost/json.hpp>
#include <stdexcept>

namespace agentd::persistence {
namespace {

std::string string_field(const boost::json::object& call, std::string_view key) {
  const auto* value = call.if_contains(key);
  if (value == nullptr || !value->is_string()) {
    throw std::runtime_error("stored tool call has no string '" + std::string(key) + "'");
  }
  return std::string(value->get_string());
}

}  // namespace

std::string encode_tool_calls(const std::vector<ModelToolCall>& calls) {
  boost::json::array array;
  array.reserve(calls.size());
  for (const auto& call : calls) {
    array.emplace_back(
        boost::json::object{{"id", call.id}, {"name", call.name}, {"arguments", call.arguments}});
  }
  return boost::json::serialize(array);
}

std::vector<ModelToolCall> decode_tool_calls(std::string_view json) {
  boost::system::error_code error;
  const auto value = boost::json::parse(json, error);
  if (error || !value.is_array()) {
    throw std::runtime_error("stored tool calls are not a JSON array");
  }
  std::vector<ModelToolCall> calls;
  calls.reserve(value.get_array().size());
  for (const auto& item : value.get_array()) {
    if (!item.is_object()) throw std::runtime_error("stored tool call is not an object");
    const auto& call = item.get_object();
    calls.push_back(
        {string_field(call, "id"), string_field(call, "name"), string_field(call, "arguments")});
  }
  return calls;
}

}  // namespace agentd::persistence
