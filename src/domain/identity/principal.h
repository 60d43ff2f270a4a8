// Who is calling, as every use case sees it: a user through a session (JWT) or through one
// of their API keys, with the permissions that credential carries.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "domain/identity/api_key.h"

namespace agentd {

struct Principal {
  std::string user_id;
  Role role = Role::user;
  std::optional<std::string> session_id;  // set for JWT callers
  std::optional<std::string> api_key_id;  // set for API key callers
  NameAllowList allowed_tools;
  NameAllowList allowed_models;
  std::vector<std::string> approval_required_tools;
  // May decide paused tool calls: a person always, a key only when created with can_approve.
  bool can_approve = false;
  std::optional<int> rate_limit_per_minute;
  SpendingLimits limits;       // the key's; a session has none
  SpendingLimits user_limits;  // the user's, whichever credential they call with

  static Principal for_session(const User& user, std::string session_id);
  static Principal for_api_key(const User& user, const ApiKey& key);

  bool is_api_key() const { return api_key_id.has_value(); }
  bool has_spending_limits() const { return limits.is_limited() || user_limits.is_limited(); }
  bool may_use_tool(std::string_view tool) const { return allows(allowed_tools, tool); }
  bool may_use_model(std::string_view model) const { return allows(allowed_models, model); }
  // The rate-limit bucket: per key for programs, per user for people, so logging in again
  // does not reset a limit.
  std::string rate_limit_key() const;
};

}  // namespace agentd
