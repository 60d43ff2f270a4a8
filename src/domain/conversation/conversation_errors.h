// The errors every conversation store answers with, whatever its backend.
#pragma once

#include "domain/common/error.h"

namespace agentd {

inline Error conversation_not_found() {
  return Error::not_found("conversation not found", "conversation_not_found");
}

inline Error run_not_found() { return Error::not_found("run not found", "run_not_found"); }

inline Error run_in_progress() {
  return {ErrorCode::conflict,
          "this conversation already has a run in progress",
          {},
          "run_in_progress"};
}

inline Error run_not_active() {
  return {ErrorCode::conflict, "this run has already ended", {}, "run_not_active"};
}

inline Error not_awaiting_approval() {
  return {ErrorCode::conflict,
          "this conversation has no pending approvals (decided already?)",
          {},
          "not_awaiting_approval"};
}

}  // namespace agentd
