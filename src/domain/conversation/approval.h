// A tool call waiting for a person to allow it, and what they decided.
//
//   pending ──> approved | rejected     (a decision, by the owner or a key that may approve)
//      └──────> expired                 (no decision within the approval TTL)
//      └──────> rejected "cancelled"    (the run was cancelled while it waited)
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "domain/identity/user.h"

namespace agentd {

enum class ApprovalStatus { pending, approved, rejected, expired };

std::string_view to_string(ApprovalStatus status);
std::optional<ApprovalStatus> parse_approval_status(std::string_view text);

// Who decided: the owner, through a session (no key) or through one of their API keys.
struct Decider {
  std::string user_id;
  std::optional<std::string> api_key_id;

  bool operator==(const Decider&) const = default;
};

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
  // The key whose own approval_required_tools made this call wait; that key may not decide it.
  std::optional<std::string> required_by_api_key_id;
  std::optional<Decider> decided_by;
  Timestamp created_at;
  Timestamp expires_at;
  std::optional<Timestamp> decided_at;

  bool operator==(const Approval&) const = default;
  bool is_expired(Timestamp now) const {
    return status == ApprovalStatus::pending && now >= expires_at;
  }
};

}  // namespace agentd
