#include "domain/conversation/approval_policy.h"

#include <algorithm>
#include <set>

namespace agentd {

bool needs_approval(bool tool_requires_approval, const Principal& caller, std::string_view tool) {
  if (tool_requires_approval) return true;
  const auto& listed = caller.approval_required_tools;
  return std::find(listed.begin(), listed.end(), tool) != listed.end();
}

Status check_decisions(const std::vector<Approval>& pending,
                       const std::vector<ApprovalDecision>& decisions, Timestamp now) {
  std::set<std::string, std::less<>> decided;
  for (const auto& decision : decisions) {
    const auto match = std::find_if(pending.begin(), pending.end(), [&](const Approval& a) {
      return a.tool_call_id == decision.tool_call_id;
    });
    if (match == pending.end()) {
      return Error::invalid("no pending approval for tool call " + decision.tool_call_id,
                            "decisions", "unknown_tool_call");
    }
    if (!decided.insert(decision.tool_call_id).second) {
      return Error::invalid("tool call " + decision.tool_call_id + " is decided twice",
                            "decisions", "duplicate_decision");
    }
    if (!decision.approved && decision.arguments) {
      return Error::invalid("arguments can only be given with an approval", "decisions");
    }
  }
  for (const auto& approval : pending) {
    if (approval.is_expired(now) || decided.contains(approval.tool_call_id)) continue;
    return Error::invalid("no decision for tool call " + approval.tool_call_id +
                              "; decide every pending call, or use the short form",
                          "decisions", "decisions_incomplete");
  }
  return ok_status();
}

}  // namespace agentd
