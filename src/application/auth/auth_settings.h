// Lifetimes of the credentials a login hands out.
#pragma once

#include <chrono>

namespace agentd {

struct AuthSettings {
  std::chrono::seconds access_ttl{15 * 60};
  std::chrono::seconds refresh_ttl{30 * 24 * 3600};
  // A used refresh token presented again within this long gets the same successor: clients
  // that refresh from several tabs or retry a lost answer are not logged out.
  std::chrono::seconds refresh_reuse_window{10};
};

}  // namespace agentd
