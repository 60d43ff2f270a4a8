// Rotates a refresh token: the presented one dies, a new pair is issued. Presenting a dead
// token means it leaked, so the whole session is revoked; except within a short window after
// its rotation, when it gets the same successor again (two tabs refreshing at once, a retry
// after a lost answer).
#pragma once

#include <boost/asio/awaitable.hpp>
#include <string>

#include "application/auth/session_tokens.h"
#include "application/ports/clock.h"
#include "application/ports/secret_sealer.h"
#include "application/ports/session_repository.h"
#include "application/ports/user_repository.h"

namespace agentd {

class RefreshSession {
 public:
  RefreshSession(UserRepository& users, SessionRepository& sessions, const SessionTokens& tokens,
                 const SecretSealer& sealer, const Clock& clock)
      : users_(users), sessions_(sessions), tokens_(tokens), sealer_(sealer), clock_(clock) {}

  boost::asio::awaitable<Result<TokenPair>> operator()(std::string refresh_token);

 private:
  UserRepository& users_;
  SessionRepository& sessions_;
  const SessionTokens& tokens_;
  const SecretSealer& sealer_;
  const Clock& clock_;
};

Error invalid_refresh_token();

}  // namespace agentd
