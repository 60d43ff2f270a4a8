// The one answer to "does this call need a person, for this caller?". Every path that runs
// a tool asks it here: execute and batch (refused), agent mode (never offered), the agent
// loop (the run pauses) and approve (the call runs once a person approved it).
#pragma once

#include "application/ports/tool.h"
#include "domain/conversation/approval_policy.h"
#include "domain/identity/principal.h"

namespace agentd {

// Whether a person approved this very call. Only a resumed run's decided calls carry it.
enum class PersonApproval { absent, granted };

ApprovalRequirement approval_requirement(const Principal& caller, const ToolSpec& spec);

inline bool requires_approval(const Principal& caller, const ToolSpec& spec) {
  return approval_requirement(caller, spec) != ApprovalRequirement::none;
}

// A call that needs a person runs only with a person's approval: 403 approval_required
// otherwise, naming the tool and the way to run it.
Status clear_to_run(const Principal& caller, const ToolSpec& spec, PersonApproval approval);

}  // namespace agentd
