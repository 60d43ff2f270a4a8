// Signs and verifies access tokens (short-lived, stateless apart from the session check).
#pragma once

#include <string>
#include <string_view>

#include "domain/common/result.h"
#include "domain/identity/user.h"

namespace agentd {

struct AccessClaims {
  std::string user_id;     // sub
  std::string session_id;  // sid
  Timestamp issued_at;     // iat
  Timestamp expires_at;    // exp
};

class TokenSigner {
 public:
  virtual ~TokenSigner() = default;
  virtual std::string sign(const AccessClaims& claims) const = 0;
  // Fails with unauthenticated for anything but a valid, unexpired access token of ours.
  virtual Result<AccessClaims> verify(std::string_view token, Timestamp now) const = 0;
};

}  // namespace agentd
