// Issues the token pair of a session: a signed access token and an opaque refresh secret.
#pragma once

#include <string>

#include "application/auth/auth_settings.h"
#include "application/ports/secret_generator.h"
#include "application/ports/token_signer.h"
#include "domain/identity/session.h"

namespace agentd {

struct TokenPair {
  std::string access_token;
  std::string refresh_token;
  std::int64_t expires_in = 0;  // seconds until the access token expires
  User user;
};

class SessionTokens {
 public:
  SessionTokens(const TokenSigner& signer, const SecretGenerator& secrets, AuthSettings settings)
      : signer_(signer), secrets_(secrets), settings_(settings) {}

  std::string new_refresh_token() const { return secrets_.random_token(kRefreshTokenBytes); }
  std::string digest(std::string_view secret) const { return secrets_.digest(secret); }
  TokenPair issue(const User& user, const std::string& session_id, std::string refresh_token,
                  Timestamp now) const;
  const AuthSettings& settings() const { return settings_; }

 private:
  static constexpr std::size_t kRefreshTokenBytes = 32;

  const TokenSigner& signer_;
  const SecretGenerator& secrets_;
  AuthSettings settings_;
};

}  // namespace agentd
