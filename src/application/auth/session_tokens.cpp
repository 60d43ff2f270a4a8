#include "application/auth/session_tokens.h"

namespace agentd {

TokenPair SessionTokens::issue(const User& user, const std::string& session_id,
                               std::string refresh_token, Timestamp now) const {
  const auto issued_at = std::chrono::floor<std::chrono::seconds>(now);
  AccessClaims claims{user.id, session_id, issued_at, issued_at + settings_.access_ttl};
  return {signer_.sign(claims), std::move(refresh_token), settings_.access_ttl.count(), user};
}

}  // namespace agentd
