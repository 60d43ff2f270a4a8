// HS256 access tokens with libjwt: only our algorithm, issuer, audience and token type pass.
#pragma once

#include <string>

#include "application/ports/token_signer.h"

namespace agentd {

class JwtTokenSigner : public TokenSigner {
 public:
  JwtTokenSigner(std::string secret, std::string issuer, std::string audience);

  std::string sign(const AccessClaims& claims) const override;
  Result<AccessClaims> verify(std::string_view token, Timestamp now) const override;

 private:
  std::string secret_;
  std::string issuer_;
  std::string audience_;
};

}  // namespace agentd
