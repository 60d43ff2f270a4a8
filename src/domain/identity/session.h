// A login session: access tokens name it (`sid`), refresh tokens rotate within it.
#pragma once

#include <optional>
#include <string>

#include "domain/identity/user.h"

namespace agentd {

struct Session {
  std::string id;
  std::string user_id;
  Timestamp created_at;
  Timestamp expires_at;  // the refresh horizon; rotation extends it
  std::optional<Timestamp> revoked_at;

  bool operator==(const Session&) const = default;
  bool is_active(Timestamp now) const { return !revoked_at && now < expires_at; }
};

}  // namespace agentd
