// Which tool calls wait for a person, and whether a set of decisions settles a pause.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/common/result.h"
#include "domain/conversation/approval.h"
#include "domain/identity/principal.h"

namespace agentd {

// A call waits for approval when the tool's configuration says so (builtin, MCP server or
// MCP tool level) or the caller's key lists the tool in approval_required_tools.
bool needs_approval(bool tool_requires_approval, const Principal& caller, std::string_view tool);

struct ApprovalDecision {
  std::string tool_call_id;
  bool approved = false;
  std::optional<std::string> reason;
  std::optional<std::string> arguments;  // edited JSON text, approved calls only
};

// Checks decisions against the pending approvals of one pause: every decision names a
// pending call once, and together they cover every call that has not expired. Expired
// calls need no decision (they count as rejected).
Status check_decisions(const std::vector<Approval>& pending,
                       const std::vector<ApprovalDecision>& decisions, Timestamp now);

}  // namespace agentd
