#include "infrastructure/cache/caching_identity_repositories.h"

namespace agentd::cache {

using boost::asio::awaitable;

// Users: dropped whenever this process disables or enables one.

awaitable<Result<User>> CachingUserRepository::create(User user) {
  co_return co_await inner_.create(std::move(user));
}

awaitable<Result<User>> CachingUserRepository::find_by_email(std::string email) {
  co_return co_await inner_.find_by_email(std::move(email));
}

awaitable<Result<User>> CachingUserRepository::find_by_id(std::string id) {
  if (auto cached = by_id_.find(id)) co_return std::move(*cached);
  const auto changes = by_id_.changes();
  auto user = co_await inner_.find_by_id(id);
  if (user) by_id_.put_unless_changed(id, *user, changes);
  co_return user;
}

awaitable<Result<Page<User>>> CachingUserRepository::list(int limit,
                                                          std::optional<std::string> after) {
  co_return co_await inner_.list(limit, std::move(after));
}

awaitable<Result<User>> CachingUserRepository::set_disabled(std::string id,
                                                            std::optional<Timestamp> since) {
  by_id_.erase(id);
  auto user = co_await inner_.set_disabled(id, since);
  co_return co_await changed(std::move(id), std::move(user));
}

awaitable<Result<User>> CachingUserRepository::set_limits(std::string id, SpendingLimits limits) {
  by_id_.erase(id);
  auto user = co_await inner_.set_limits(id, std::move(limits));
  co_return co_await changed(std::move(id), std::move(user));
}

// Dropped before the write and after it, since a lookup racing the write must not re-cache the
// old row; the other replicas drop theirs on the notice.
awaitable<Result<User>> CachingUserRepository::changed(std::string id, Result<User> user) {
  by_id_.erase(id);
  if (user && notices_ != nullptr) {
    Notice notice{Notice::Kind::user_changed, std::move(id)};
    co_await notices_->publish(std::move(notice));
  }
  co_return user;
}

// Sessions: dropped whenever this process revokes or extends one.

awaitable<Status> CachingSessionRepository::create(Session session, std::string refresh_hash) {
  co_return co_await inner_.create(std::move(session), std::move(refresh_hash));
}

awaitable<Result<Session>> CachingSessionRepository::find(std::string session_id) {
  if (auto cached = by_id_.find(session_id)) co_return std::move(*cached);
  const auto changes = by_id_.changes();
  auto session = co_await inner_.find(session_id);
  if (session) by_id_.put_unless_changed(session_id, *session, changes);
  co_return session;
}

awaitable<Result<RefreshRotation>> CachingSessionRepository::rotate_refresh_token(
    RefreshRotationRequest request) {
  auto rotation = co_await inner_.rotate_refresh_token(std::move(request));
  // Rotated: a new expiry; reused: the whole session is now revoked; replayed: no change.
  if (rotation && (rotation->outcome == RefreshOutcome::rotated ||
                   rotation->outcome == RefreshOutcome::reused)) {
    by_id_.erase(rotation->session.id);
  }
  if (rotation && rotation->outcome == RefreshOutcome::reused) {
    co_await announce_revoked(rotation->session.id);
  }
  co_return rotation;
}

awaitable<Result<Session>> CachingSessionRepository::find_by_refresh_token(std::string hash) {
  co_return co_await inner_.find_by_refresh_token(std::move(hash));
}

awaitable<Status> CachingSessionRepository::revoke(std::string session_id, Timestamp now) {
  // Dropped before and after: a lookup racing the write must not re-cache the old row.
  by_id_.erase(session_id);
  auto revoked = co_await inner_.revoke(session_id, now);
  by_id_.erase(session_id);
  if (revoked) co_await announce_revoked(session_id);
  co_return revoked;
}

awaitable<void> CachingSessionRepository::announce_revoked(std::string session_id) {
  if (notices_ == nullptr) co_return;
  Notice notice{Notice::Kind::session_revoked, std::move(session_id)};
  co_await notices_->publish(std::move(notice));
}

// API keys: cached by the hash of their secret; revocation drops them by id.

awaitable<Status> CachingApiKeyRepository::create(ApiKey key) {
  co_return co_await inner_.create(std::move(key));
}

awaitable<Result<ApiKey>> CachingApiKeyRepository::find_by_hash(std::string secret_hash) {
  if (auto cached = by_hash_.find(secret_hash)) co_return std::move(*cached);
  const auto changes = by_hash_.changes();
  auto key = co_await inner_.find_by_hash(secret_hash);
  if (key) by_hash_.put_unless_changed(secret_hash, *key, changes);
  co_return key;
}

awaitable<Result<ApiKey>> CachingApiKeyRepository::find_by_id(std::string key_id) {
  co_return co_await inner_.find_by_id(std::move(key_id));
}

awaitable<Result<Page<ApiKey>>> CachingApiKeyRepository::list_all(
    int limit, std::optional<std::string> after) {
  co_return co_await inner_.list_all(limit, std::move(after));
}

awaitable<Result<Page<ApiKey>>> CachingApiKeyRepository::list(std::string user_id, int limit,
                                                              std::optional<std::string> after) {
  co_return co_await inner_.list(std::move(user_id), limit, std::move(after));
}

awaitable<Status> CachingApiKeyRepository::revoke(std::string user_id, std::string key_id,
                                                  Timestamp now) {
  auto is_revoked_key = [&key_id](const ApiKey& key) { return key.id == key_id; };
  by_hash_.erase_if(is_revoked_key);
  auto revoked = co_await inner_.revoke(std::move(user_id), key_id, now);
  by_hash_.erase_if(is_revoked_key);
  if (revoked && notices_ != nullptr) {
    Notice notice{Notice::Kind::api_key_revoked, key_id};
    co_await notices_->publish(std::move(notice));
  }
  co_return revoked;
}

void CachingApiKeyRepository::forget(const std::string& key_id) {
  by_hash_.erase_if([&key_id](const ApiKey& key) { return key.id == key_id; });
}

awaitable<Result<ApiKey>> CachingApiKeyRepository::update_limits(std::string user_id,
                                                                 std::string key_id,
                                                                 SpendingLimits limits) {
  auto updated = co_await inner_.update_limits(std::move(user_id), key_id, limits);
  if (updated) {
    forget(key_id);
    if (notices_ != nullptr) {
      Notice notice{Notice::Kind::api_key_changed, key_id};
      co_await notices_->publish(std::move(notice));
    }
  }
  co_return updated;
}

awaitable<Status> CachingApiKeyRepository::record_use(std::string key_id, Timestamp now) {
  auto recorded = co_await inner_.record_use(key_id, now);
  if (recorded) {
    // The cached copy learns the new time, so the next requests do not write it again.
    by_hash_.update_if([&key_id](const ApiKey& key) { return key.id == key_id; },
                       [now](ApiKey& key) { key.last_used_at = now; });
  }
  co_return recorded;
}

}  // namespace agentd::cache
