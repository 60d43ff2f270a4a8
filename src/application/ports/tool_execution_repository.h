// The audit trail of tool executions: who ran what, with which arguments, and how it went.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <optional>
#include <string>

#include "domain/common/result.h"
#include "domain/identity/user.h"

namespace agentd {

struct ToolExecution {
  std::string id;
  std::string user_id;
  std::optional<std::string> api_key_id;
  std::optional<std::string> conversation_id;  // set when the agent ran it
  std::string tool;
  std::string arguments;  // JSON text, capped in size
  std::string status;     // "ok" | "error"
  std::optional<std::string> error_code;
  std::optional<std::string> error_message;
  std::int64_t duration_ms = 0;
  Timestamp created_at;
};

class ToolExecutionRepository {
 public:
  virtual ~ToolExecutionRepository() = default;
  virtual boost::asio::awaitable<Status> record(ToolExecution execution) = 0;
};

}  // namespace agentd
