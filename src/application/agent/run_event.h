// What a run tells its observers as it goes: the named events of the conversations stream.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "application/tools/execute_tool.h"
#include "domain/common/error.h"
#include "domain/conversation/approval.h"
#include "domain/conversation/message.h"
#include "domain/conversation/run.h"

namespace agentd {

// How a run ended, or where it paused.
struct RunResult {
  Run run;
  std::optional<Message> message;           // the final assistant message, when there is one
  std::vector<Approval> pending_approvals;  // what a paused run waits for
};

struct RunStarted {
  Run run;
};
struct MessageDelta {
  std::string content;
};
struct ToolCallStarted {
  ModelToolCall call;
};
struct ToolCallCompleted {
  ToolResult result;
};
// The run paused: these calls wait for a person's decision.
struct ApprovalRequired {
  std::vector<Approval> approvals;
};
struct RunCompleted {
  RunResult result;
};
// The run failed; nothing follows. A run that had started says how far it got.
struct RunFailed {
  Error error;
  std::optional<RunResult> result;
};

using RunEvent = std::variant<RunStarted, MessageDelta, ToolCallStarted, ToolCallCompleted,
                              ApprovalRequired, RunCompleted, RunFailed>;

// The event's name on the wire (run.started, message.delta, …).
std::string_view event_name(const RunEvent& event);
// run.completed and error end a stream.
bool is_terminal(const RunEvent& event);

}  // namespace agentd
