// A person with an account. The password hash never leaves the persistence and auth code.
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "domain/identity/role.h"

namespace agentd {

using Timestamp = std::chrono::system_clock::time_point;

struct User {
  std::string id;
  std::string email;  // normalised
  std::string name;
  Role role = Role::user;
  std::string password_hash;
  Timestamp created_at;
  // Set while an administrator has disabled the account: none of its credentials work.
  std::optional<Timestamp> disabled_at;

  bool operator==(const User&) const = default;
  bool is_disabled() const { return disabled_at.has_value(); }
};

}  // namespace agentd
