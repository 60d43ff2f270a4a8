// The one auth pipeline: a bearer credential (API key or access token) becomes a Principal,
// or an authentication error. Revocation and expiry apply on the very next request.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <string_view>

#include "application/ports/api_key_repository.h"
#include "application/ports/clock.h"
#include "application/ports/secret_generator.h"
#include "application/ports/session_repository.h"
#include "application/ports/token_signer.h"
#include "application/ports/user_repository.h"
#include "domain/identity/principal.h"

namespace agentd {

// What every credential of a disabled user gets: an access token, an API key, a refresh
// token. (A sign-in gets invalid_credentials instead, as for a wrong password: it must not
// tell a stranger that the account exists.)
Error user_disabled();

class Authenticate {
 public:
  Authenticate(UserRepository& users, SessionRepository& sessions, ApiKeyRepository& keys,
               const TokenSigner& signer, const SecretGenerator& secrets, const Clock& clock)
      : users_(users),
        sessions_(sessions),
        keys_(keys),
        signer_(signer),
        secrets_(secrets),
        clock_(clock) {}

  boost::asio::awaitable<Result<Principal>> operator()(std::string_view bearer);

 private:
  // last_used_at is written at most this often per key, not on every request.
  static constexpr std::chrono::seconds kLastUsedResolution{60};

  boost::asio::awaitable<Result<Principal>> by_api_key(std::string_view secret);
  boost::asio::awaitable<Result<Principal>> by_access_token(std::string_view token);

  UserRepository& users_;
  SessionRepository& sessions_;
  ApiKeyRepository& keys_;
  const TokenSigner& signer_;
  const SecretGenerator& secrets_;
  const Clock& clock_;
};

}  // namespace agentd
