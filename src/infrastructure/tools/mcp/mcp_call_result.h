// What an MCP tools/call result becomes as an agentd tool result.
#pragma once

#include <boost/json/value.hpp>

#include "domain/common/result.h"

namespace agentd {

// structuredContent when the server gave one; otherwise the text content blocks joined with
// newlines (parsed, when that text is JSON), non-text blocks summarised in brackets.
// isError: true becomes a tool_error with that text.
Result<boost::json::value> map_call_result(const boost::json::value& result);

}  // namespace agentd
