// SecretSealer with libsodium: XSalsa20-Poly1305 (secretbox) under a keyed BLAKE2b of the
// opener, a random nonce per seal, base64url text.
#pragma once

#include "application/ports/secret_sealer.h"

namespace agentd {

class SodiumSecretSealer : public SecretSealer {
 public:
  SodiumSecretSealer();

  std::string seal(std::string_view secret, std::string_view opener) const override;
  std::optional<std::string> open(std::string_view sealed, std::string_view opener) const override;
};

}  // namespace agentd
