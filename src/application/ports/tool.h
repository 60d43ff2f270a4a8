// A capability the agent (or a caller directly) can run: builtin, or from an MCP server.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <chrono>
#include <optional>
#include <string>

#include "domain/common/result.h"

namespace agentd {

struct ToolSpec {
  std::string name;
  std::string description;
  boost::json::object parameters;  // JSON Schema of the arguments object
  bool requires_approval = false;
  std::chrono::milliseconds timeout{30'000};
  // Safe to run twice: a call that was running when its replica died is run again on the
  // replica that takes the run over, instead of being answered as interrupted.
  bool idempotent = false;
  // As an MCP server lists them (title, readOnlyHint, destructiveHint, ...): hints from the
  // server, shown to callers, trusted only as far as the server's config says.
  std::optional<boost::json::object> annotations;
};

// Who runs the tool, for tools that act on the caller's behalf.
struct ToolContext {
  std::string user_id;
  std::optional<std::string> api_key_id;
};

class Tool {
 public:
  virtual ~Tool() = default;
  virtual const ToolSpec& spec() const = 0;
  // Runs one call; `arguments` already satisfy spec().parameters. A failure of the tool
  // itself is an ErrorCode::unprocessable error with code "tool_error". Cancellation (a
  // timeout, a client gone) arrives through the awaiting coroutine's cancellation slot.
  virtual boost::asio::awaitable<Result<boost::json::value>> execute(
      boost::json::object arguments, const ToolContext& context) = 0;
};

inline Error tool_error(std::string message) {
  return {ErrorCode::unprocessable, std::move(message), {}, "tool_error"};
}

}  // namespace agentd
