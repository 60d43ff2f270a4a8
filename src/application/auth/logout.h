// Ends a session: its refresh tokens and its access tokens stop working at once.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <string>

#include "application/auth/session_tokens.h"
#include "application/ports/clock.h"
#include "application/ports/session_repository.h"

namespace agentd {

class Logout {
 public:
  Logout(SessionRepository& sessions, const SessionTokens& tokens, const Clock& clock)
      : sessions_(sessions), tokens_(tokens), clock_(clock) {}

  boost::asio::awaitable<Status> operator()(std::string refresh_token);

 private:
  SessionRepository& sessions_;
  const SessionTokens& tokens_;
  const Clock& clock_;
};

}  // namespace agentd
