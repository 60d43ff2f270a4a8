// A person with an account. The password hash never leaves the persistence and auth code.
#pragma once

#include <chrono>
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

  bool operator==(const User&) const = default;
};

}  // namespace agentd
