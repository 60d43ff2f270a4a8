#include "application/tools/approval_gate.h"

namespace agentd {

ApprovalRequirement approval_requirement(const Principal& caller, const ToolSpec& spec) {
  const auto by_tool =
      spec.requires_approval ? ToolRequiresApproval::yes : ToolRequiresApproval::no;
  return approval_requirement(by_tool, caller, spec.name);
}

Status clear_to_run(const Principal& caller, const ToolSpec& spec, PersonApproval approval) {
  if (approval == PersonApproval::granted || !requires_approval(caller, spec)) return ok_status();
  return Error{ErrorCode::forbidden,
               "tool " + spec.name +
                   " needs a person's approval for this caller and cannot run directly; run it "
                   "in a conversation (POST /v1/conversations/{id}/messages), where the call "
                   "waits for approval",
               "name", "approval_required"};
}

}  // namespace agentd
