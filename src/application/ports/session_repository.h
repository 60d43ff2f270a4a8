// Storage of login sessions and their refresh tokens (by hash only).
#pragma once

#include <string>

#include <boost/asio/awaitable.hpp>

#include "domain/common/result.h"
#include "domain/identity/session.h"

namespace agentd {

enum class RefreshOutcome {
  rotated,  // the token was current: it is now used and its successor is stored
  reused,   // the token had been used before: the whole session is now revoked
  unknown,  // no such token, or its session is revoked or expired
};

struct RefreshRotation {
  RefreshOutcome outcome = RefreshOutcome::unknown;
  Session session;  // set when rotated or reused
};

class SessionRepository {
 public:
  virtual ~SessionRepository() = default;
  // Stores a new session with its first refresh token.
  virtual boost::asio::awaitable<Status> create(Session session, std::string refresh_hash) = 0;
  virtual boost::asio::awaitable<Result<Session>> find(std::string session_id) = 0;
  // Atomically marks `old_hash` used and stores `new_hash`, extending the session to
  // `new_expiry`; of two concurrent calls with the same token, only one rotates.
  virtual boost::asio::awaitable<Result<RefreshRotation>> rotate_refresh_token(
      std::string old_hash, std::string new_hash, Timestamp now, Timestamp new_expiry) = 0;
  // The session a refresh token (used or not) belongs to.
  virtual boost::asio::awaitable<Result<Session>> find_by_refresh_token(std::string hash) = 0;
  virtual boost::asio::awaitable<Status> revoke(std::string session_id, Timestamp now) = 0;
};

}  // namespace agentd
