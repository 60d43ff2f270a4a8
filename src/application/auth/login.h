// Exchanges email and password for a new session's tokens. Unknown email, wrong password and
// disabled account are indistinguishable, in the answer and in the time spent.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <mutex>
#include <string>

#include "application/auth/session_tokens.h"
#include "application/ports/clock.h"
#include "application/ports/id_generator.h"
#include "application/ports/password_hasher.h"
#include "application/ports/session_repository.h"
#include "application/ports/user_repository.h"

namespace agentd {

class Login {
 public:
  Login(UserRepository& users, SessionRepository& sessions, const PasswordHasher& hasher,
        const SessionTokens& tokens, IdGenerator& ids, const Clock& clock)
      : users_(users),
        sessions_(sessions),
        hasher_(hasher),
        tokens_(tokens),
        ids_(ids),
        clock_(clock) {}

  boost::asio::awaitable<Result<TokenPair>> operator()(std::string email, std::string password);

 private:
  boost::asio::awaitable<std::string> dummy_hash();

  UserRepository& users_;
  SessionRepository& sessions_;
  const PasswordHasher& hasher_;
  const SessionTokens& tokens_;
  IdGenerator& ids_;
  const Clock& clock_;
  std::mutex dummy_hash_mutex_;
  std::string dummy_hash_;  // verified against for unknown emails, to spend the same time
};

Error invalid_credentials();

}  // namespace agentd
