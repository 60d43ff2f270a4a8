// Lifetimes of the credentials a login hands out.
#pragma once

#include <chrono>

namespace agentd {

struct AuthSettings {
  std::chrono::seconds access_ttl{15 * 60};
  std::chrono::seconds refresh_ttl{30 * 24 * 3600};
};

}  // namespace agentd
