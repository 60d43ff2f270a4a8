// High-entropy secrets (refresh tokens, API keys) and the digests stored in their place.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace agentd {

class SecretGenerator {
 public:
  virtual ~SecretGenerator() = default;
  // `bytes` random bytes from a CSPRNG, base64url without padding.
  virtual std::string random_token(std::size_t bytes) const = 0;
  // A one-way digest, hex encoded; enough for secrets that are already high-entropy.
  virtual std::string digest(std::string_view secret) const = 0;
};

}  // namespace agentd
