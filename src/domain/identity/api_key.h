// A program's credential: its secret is shown once and only its hash is stored; it carries
// its own tool and model permissions, expiry and rate limit.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "domain/identity/user.h"
#include "domain/usage/budget.h"

namespace agentd {

inline constexpr std::string_view kApiKeyPrefix = "sk-agentd-";

// Absent = every name is allowed; an empty list = none; "*" in the list = every name.
using NameAllowList = std::optional<std::vector<std::string>>;

bool allows(const NameAllowList& list, std::string_view name);

struct ApiKey {
  std::string id;
  std::string user_id;
  std::string name;
  std::string prefix;  // the first characters of the secret, for people to recognise it
  std::string secret_hash;
  NameAllowList allowed_tools;
  NameAllowList allowed_models;
  std::vector<std::string> approval_required_tools;
  bool can_approve = false;  // may decide other credentials' paused tool calls
  std::optional<Timestamp> expires_at;
  std::optional<int> rate_limit_per_minute;
  SpendingLimits limits;  // budget and tokens per minute
  Timestamp created_at;
  std::optional<Timestamp> last_used_at;
  std::optional<Timestamp> revoked_at;

  bool operator==(const ApiKey&) const = default;
  bool is_usable(Timestamp now) const { return !revoked_at && (!expires_at || now < *expires_at); }
};

}  // namespace agentd
