// An in-memory SessionRepository with the refresh-token rotation rules of the port: a
// current token rotates, one used within the reuse window is replayed, one used before it
// revokes its session, anything else is unknown.
#pragma once

#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "application/ports/session_repository.h"

namespace agentd {

class FakeSessionRepository : public SessionRepository {
 public:
  boost::asio::awaitable<Status> create(Session session, std::string refresh_hash) override {
    std::lock_guard lock(mutex_);
    tokens_[refresh_hash] = {session.id, std::nullopt, {}};
    sessions_[session.id] = std::move(session);
    co_return ok_status();
  }

  boost::asio::awaitable<Result<Session>> find(std::string session_id) override {
    std::lock_guard lock(mutex_);
    auto found = sessions_.find(session_id);
    if (found == sessions_.end()) co_return session_not_found();
    co_return found->second;
  }

  boost::asio::awaitable<Result<RefreshRotation>> rotate_refresh_token(
      RefreshRotationRequest request) override {
    std::lock_guard lock(mutex_);
    auto token = tokens_.find(request.old_hash);
    if (token == tokens_.end()) co_return RefreshRotation{};
    Session& session = sessions_.at(token->second.session_id);
    if (!session.is_active(request.now)) co_return RefreshRotation{};
    RefreshToken& used = token->second;
    if (used.used_at) {
      if (request.reuse_window_start && *used.used_at > *request.reuse_window_start &&
          !used.successor_sealed.empty()) {
        co_return RefreshRotation{RefreshOutcome::replayed, session, used.successor_sealed};
      }
      session.revoked_at = request.now;
      co_return RefreshRotation{RefreshOutcome::reused, session, {}};
    }
    used.used_at = request.now;
    used.successor_sealed = std::move(request.successor_sealed);
    tokens_[request.new_hash] = {session.id, std::nullopt, {}};
    session.expires_at = request.new_expiry;
    co_return RefreshRotation{RefreshOutcome::rotated, session, {}};
  }

  boost::asio::awaitable<Result<Session>> find_by_refresh_token(std::string hash) override {
    std::lock_guard lock(mutex_);
    auto token = tokens_.find(hash);
    if (token == tokens_.end()) {
      co_return Error::not_found("refresh token not found", "refresh_token_not_found");
    }
    co_return sessions_.at(token->second.session_id);
  }

  boost::asio::awaitable<Status> revoke(std::string session_id, Timestamp now) override {
    std::lock_guard lock(mutex_);
    auto found = sessions_.find(session_id);
    if (found == sessions_.end()) co_return session_not_found();
    if (!found->second.revoked_at) found->second.revoked_at = now;
    co_return ok_status();
  }

  std::size_t size() const {
    std::lock_guard lock(mutex_);
    return sessions_.size();
  }

  // What the rotation of the token with this hash stored for replays; empty when none.
  std::string successor_sealed_of(const std::string& hash) const {
    std::lock_guard lock(mutex_);
    auto token = tokens_.find(hash);
    return token == tokens_.end() ? std::string() : token->second.successor_sealed;
  }

  // Whether a refresh token with this hash is stored, used or not.
  bool has_token(const std::string& hash) const {
    std::lock_guard lock(mutex_);
    return tokens_.contains(hash);
  }

 private:
  struct RefreshToken {
    std::string session_id;
    std::optional<Timestamp> used_at;
    std::string successor_sealed;
  };

  static Error session_not_found() {
    return Error::not_found("session not found", "session_not_found");
  }

  mutable std::mutex mutex_;
  std::map<std::string, Session> sessions_;
  std::map<std::string, RefreshToken> tokens_;  // by hash
};

}  // namespace agentd
