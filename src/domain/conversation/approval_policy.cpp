#include "domain/conversation/approval_policy.h"

#include <algorithm>
#include <set>

namespace agentd {

ApprovalRequirement approval_requirement(ToolRequiresApproval by_tool, const Principal& caller,
                                         std::string_view tool) {
  const auto& listed = caller.approval_required_tools;
  if (std::find(listed.begin(), listed.end(), tool) != listed.end()) {
    return ApprovalRequirement::by_caller_key;
  }
  return by_tool == ToolRequiresApproval::yes ? ApprovalRequirement::by_tool
                                              : ApprovalRequirement::none;
}

Status may_decide(const Principal& decider, const Approval& approval) {
  if (!decider.can_approve) {
    return Error{ErrorCode::forbidden,
                 "this API key may not decide approvals; create a key with \"can_approve\": true "
                 "or decide as the conversation's owner",
                 {},
                 "approval_not_allowed"};
  }
  if (decider.api_key_id && decider.api_key_id == approval.required_by_api_key_id) {
    return Error{ErrorCode::forbidden,
                 "tool call " + approval.tool_call_id +
                     " waits because this API key requires "
                     "approval of " +
                     approval.tool + "; another credential must decide it",
                 {},
                 "self_approval"};
  }
  return ok_status();
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
      return Error::invalid("tool call " + decision.tool_call_id + " is decided twice", "decisions",
                            "duplicate_decision");
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
