// Random secrets from libsodium's CSPRNG, and their SHA-256 digests for storage.
#pragma once

#include "application/ports/secret_generator.h"

namespace agentd {

class SodiumSecretGenerator : public SecretGenerator {
 public:
  SodiumSecretGenerator();

  std::string random_token(std::size_t bytes) const override;
  std::string digest(std::string_view secret) const override;
};

}  // namespace agentd
