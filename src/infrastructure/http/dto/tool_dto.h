// Wire shapes of tools and tool results, and the OpenAI tool-call objects clients send.
#pragma once

#include <boost/json/object.hpp>

#include "application/tools/execute_tool.h"

namespace agentd::http {

// {"type":"function","function":{"name","description","parameters"},"requires_approval",
// "annotations"?}: requires_approval is the gate's answer for `caller`; annotations only when
// the tool has them (MCP tools).
boost::json::object to_json(const ToolSpec& spec, const Principal& caller);
// {"tool_call_id","name","status","result"|"error","duration_ms"}
boost::json::object to_json(const ToolResult& result);
// {"id"?,"type":"function","function":{"name","arguments"}}; `param` prefixes error fields.
Result<ToolCall> parse_tool_call(const boost::json::value& value, const std::string& param);
// The result of a batch item parse_tool_call refused: its id and function.name as far as they
// are strings (else ""), and `error`.
ToolResult malformed_call_result(const boost::json::value& item, Error error);

}  // namespace agentd::http
