#include "infrastructure/cache/caching_token_signer.h"

namespace agentd::cache {

Result<AccessClaims> CachingTokenSigner::verify(std::string_view token, Timestamp now) const {
  const std::string key(token);
  if (auto claims = verified_.find(key)) {
    if (now < claims->expires_at) return std::move(*claims);
    verified_.erase(key);
  }
  auto claims = inner_.verify(token, now);
  // Failures are not remembered: a forged token must not push valid ones out.
  if (claims) verified_.put(key, *claims);
  return claims;
}

}  // namespace agentd::cache
