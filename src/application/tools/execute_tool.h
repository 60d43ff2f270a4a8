// Runs tool calls for a caller: ACL check, argument validation, timeout, audit record.
// One call's failure is reported in its result, never as a thrown error.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/json/value.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "application/ports/clock.h"
#include "application/ports/id_generator.h"
#include "application/ports/metrics.h"
#include "application/ports/tool_execution_repository.h"
#include "application/tools/approval_gate.h"
#include "application/tools/tool_registry.h"

namespace agentd {

struct ToolCall {
  std::string id;  // generated when empty
  std::string name;
  boost::json::value arguments;  // an object, or a string holding one (as OpenAI sends it)
};

struct ToolResult {
  std::string tool_call_id;
  std::string name;
  std::optional<boost::json::value> result;  // set on success
  std::optional<Error> error;                // set on failure
  std::int64_t duration_ms = 0;

  bool ok() const { return !error.has_value(); }
};

// Where a call comes from: the conversation whose run made it (recorded in the audit), and
// whether a person approved it. Direct calls (execute, batch) have neither.
struct CallOrigin {
  std::optional<std::string> conversation_id;
  PersonApproval approval = PersonApproval::absent;
};

class ExecuteTool {
 public:
  static constexpr std::size_t kMaxBatchCalls = 32;

  ExecuteTool(const ToolRegistry& registry, ToolExecutionRepository& audit, IdGenerator& ids,
              const Clock& clock, std::size_t batch_concurrency, Metrics& metrics = no_metrics())
      : registry_(registry),
        audit_(audit),
        ids_(ids),
        clock_(clock),
        batch_concurrency_(batch_concurrency == 0 ? 1 : batch_concurrency),
        metrics_(metrics) {}

  // Refuses (403 approval_required) a call that needs a person unless the origin carries
  // that person's approval.
  boost::asio::awaitable<ToolResult> run(const Principal& caller, ToolCall call,
                                         CallOrigin origin = {});
  // Results in input order; at most batch_concurrency calls run at once.
  boost::asio::awaitable<std::vector<ToolResult>> run_batch(const Principal& caller,
                                                            std::vector<ToolCall> calls);

 private:
  boost::asio::awaitable<ToolResult> attempt(const Principal& caller, ToolCall& call,
                                             PersonApproval approval);
  boost::asio::awaitable<void> record(const Principal& caller, const ToolCall& call,
                                      const ToolResult& result,
                                      const std::optional<std::string>& conversation_id,
                                      std::chrono::nanoseconds took);

  const ToolRegistry& registry_;
  ToolExecutionRepository& audit_;
  IdGenerator& ids_;
  const Clock& clock_;
  std::size_t batch_concurrency_;
  Metrics& metrics_;
};

}  // namespace agentd
