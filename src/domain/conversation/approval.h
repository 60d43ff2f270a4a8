// A tool call waiting for a person to allow it, and what they decided.
//
//   pending ──> approved | rejected     (a decision, by the conversation's owner)
//      └──────> expired                 (no decision within the approval TTL)
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "domain/identity/user.h"

namespace agentd {

enum class ApprovalStatus { pending, approved, rejected, expired };

std::string_view to_string(ApprovalStatus status);
std::optional<ApprovalStatus> parse_approval_status(std::string_view text);

struct Approval {
  std::string id;
  std::string conversation_id;
  std::string run_id;
  std::string user_id;  // the conversation's owner
  std::string tool_call_id;
  std::string tool;
  std::string arguments;  // JSON text, as the model wrote it
  ApprovalStatus status = ApprovalStatus::pending;
  std::optional<std::string> reason;            // why it was rejected (or "expired")
  std::optional<std::string> edited_arguments;  // JSON text the approver ran it with instead
  std::optional<std::string> decided_by;        // user id
  Timestamp created_at;
  Timestamp expires_at;
  std::optional<Timestamp> decided_at;

  bool is_expired(Timestamp now) const { return status == ApprovalStatus::pending && now >= expires_at; }
};

}  // namespace agentd
