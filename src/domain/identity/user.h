// A person with an account. The password hash never leaves the persistence and auth code.
#pragma once

#include <optional>
#include <string>

#include "domain/common/timestamp.h"
#include "domain/identity/role.h"
#include "domain/usage/budget.h"

namespace agentd {

struct User {
  std::string id;
  std::string email;  // normalised
  std::string name;
  Role role = Role::user;
  std::string password_hash;
  Timestamp created_at;
  // Set while an administrator has disabled the account: none of its credentials work.
  std::optional<Timestamp> disabled_at;
  // Set by an administrator; every call the user makes counts, through any credential.
  SpendingLimits limits;

  bool operator==(const User&) const = default;
  bool is_disabled() const { return disabled_at.has_value(); }
};

}  // namespace agentd
