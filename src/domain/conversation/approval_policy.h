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

// Why a call waits for a person, if it does: the caller's key lists the tool in its
// approval_required_tools (checked first: it also decides who may approve), or the tool's
// configuration says so (builtin, MCP server or MCP tool level, MCP annotations under auto).
enum class ApprovalRequirement { none, by_caller_key, by_tool };

// What the tool's own configuration says.
enum class ToolRequiresApproval { no, yes };

ApprovalRequirement approval_requirement(ToolRequiresApproval by_tool, const Principal& caller,
                                         std::string_view tool);

// Whether `decider` may decide `approval` (the conversation's ownership is checked by the
// caller): a person's session may; an API key only with can_approve (403
// approval_not_allowed), and never for a call that waits because of its own list (403
// self_approval).
Status may_decide(const Principal& decider, const Approval& approval);

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
