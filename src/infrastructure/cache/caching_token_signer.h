// Remembers access tokens that passed verification, so a client sending the same token on
// every request pays for the signature check once. Only the stateless part is cached: the
// caller still checks the session on every request, so logout applies at once. A cached
// token is never accepted past its own expiry.
#pragma once

#include <chrono>

#include "application/ports/token_signer.h"
#include "infrastructure/cache/ttl_cache.h"

namespace agentd::cache {

// Tokens are a few hundred bytes: 10,000 of them stay within a few megabytes.
inline constexpr CacheSettings kTokenCacheSettings{std::chrono::milliseconds(60'000), 10'000};

class CachingTokenSigner final : public TokenSigner {
 public:
  CachingTokenSigner(const TokenSigner& inner, CacheSettings settings)
      : inner_(inner), verified_(settings.ttl, settings.max_entries) {}

  std::string sign(const AccessClaims& claims) const override { return inner_.sign(claims); }
  Result<AccessClaims> verify(std::string_view token, Timestamp now) const override;

 private:
  const TokenSigner& inner_;
  mutable TtlCache<AccessClaims> verified_;  // by the whole token: its signature is in it
};

}  // namespace agentd::cache
