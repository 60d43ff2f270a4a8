// What a user may administer: `admin` manages the server, `user` only their own resources.
#pragma once

#include <optional>
#include <string_view>

namespace agentd {

enum class Role { user, admin };

constexpr std::string_view to_string(Role role) { return role == Role::admin ? "admin" : "user"; }

constexpr std::optional<Role> parse_role(std::string_view text) {
  if (text == "user") return Role::user;
  if (text == "admin") return Role::admin;
  return std::nullopt;
}

}  // namespace agentd
