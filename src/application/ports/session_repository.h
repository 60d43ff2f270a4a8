// Storage of login sessions and their refresh tokens (by hash only).
#pragma once

#include <boost/asio/awaitable.hpp>
#include <optional>
#include <string>

#include "domain/common/result.h"
#include "domain/identity/session.h"

namespace agentd {

enum class RefreshOutcome {
  rotated,   // the token was current: it is now used and its successor is stored
  replayed,  // the token was used within the reuse window: its stored successor comes back
  reused,    // the token had been used before the window: the whole session is now revoked
  unknown,   // no such token, or its session is revoked or expired
};

// One rotation of a refresh token, and what a replay of that token within the reuse window
// is answered with.
struct RefreshRotationRequest {
  std::string old_hash;
  std::string new_hash;
  // The new token, sealed so that only the old token opens it: storage alone cannot hand
  // out a live token.
  std::string successor_sealed;
  Timestamp now;
  Timestamp new_expiry;
  // A used token whose use came after this instant is replayed, not treated as leaked; none:
  // never replayed.
  std::optional<Timestamp> reuse_window_start;
};

struct RefreshRotation {
  RefreshOutcome outcome = RefreshOutcome::unknown;
  Session session;               // set when rotated, replayed or reused
  std::string successor_sealed;  // set when replayed: what the first rotation stored
};

class SessionRepository {
 public:
  virtual ~SessionRepository() = default;
  // Stores a new session with its first refresh token.
  virtual boost::asio::awaitable<Status> create(Session session, std::string refresh_hash) = 0;
  virtual boost::asio::awaitable<Result<Session>> find(std::string session_id) = 0;
  // Atomically marks `old_hash` used (keeping its sealed successor) and stores `new_hash`,
  // extending the session to `new_expiry`; of two concurrent calls with the same token, only
  // one rotates, and the other is replayed or, past the reuse window, revokes the session.
  virtual boost::asio::awaitable<Result<RefreshRotation>> rotate_refresh_token(
      RefreshRotationRequest request) = 0;
  // The session a refresh token (used or not) belongs to.
  virtual boost::asio::awaitable<Result<Session>> find_by_refresh_token(std::string hash) = 0;
  virtual boost::asio::awaitable<Status> revoke(std::string session_id, Timestamp now) = 0;
};

}  // namespace agentd
