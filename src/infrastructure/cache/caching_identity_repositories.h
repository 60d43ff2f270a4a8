// Caches in front of the identity repositories for the lookups every authenticated request
// makes: user by id, session by id, API key by hash. Entries live briefly (a second or
// two) and every change made through this process — logout, refresh, key revocation, a user
// disabled or enabled, last-use bookkeeping — updates or drops them at once, so revocation
// still applies on the next request here. Other processes (replicas, the command line) announce
// their changes through Notices, and every replica drops its entries at once; without
// notices they see them within the TTL.
#pragma once

#include <chrono>

#include "application/ports/api_key_repository.h"
#include "application/ports/notices.h"
#include "application/ports/session_repository.h"
#include "application/ports/user_repository.h"
#include "infrastructure/cache/ttl_cache.h"

namespace agentd::cache {

class CachingUserRepository final : public UserRepository {
 public:
  CachingUserRepository(UserRepository& inner, CacheSettings settings)
      : inner_(inner), by_id_(settings.ttl, settings.max_entries) {}

  boost::asio::awaitable<Result<User>> create(User user) override;
  boost::asio::awaitable<Result<User>> find_by_email(std::string email) override;
  boost::asio::awaitable<Result<User>> find_by_id(std::string id) override;
  boost::asio::awaitable<Result<Page<User>>> list(int limit,
                                                  std::optional<std::string> after) override;
  boost::asio::awaitable<Result<User>> set_disabled(std::string id,
                                                    std::optional<Timestamp> since) override;
  boost::asio::awaitable<Result<User>> set_limits(std::string id, SpendingLimits limits) override;

  // Users disabled or enabled here are announced through `notices` from now on.
  void announce_to(Notices& notices) { notices_ = &notices; }
  // Another process disabled or enabled the user.
  void forget(const std::string& user_id) { by_id_.erase(user_id); }

 private:
  boost::asio::awaitable<Result<User>> changed(std::string id, Result<User> user);
  UserRepository& inner_;
  TtlCache<User> by_id_;
  Notices* notices_ = nullptr;
};

class CachingSessionRepository final : public SessionRepository {
 public:
  CachingSessionRepository(SessionRepository& inner, CacheSettings settings)
      : inner_(inner), by_id_(settings.ttl, settings.max_entries) {}

  boost::asio::awaitable<Status> create(Session session, std::string refresh_hash) override;
  boost::asio::awaitable<Result<Session>> find(std::string session_id) override;
  boost::asio::awaitable<Result<RefreshRotation>> rotate_refresh_token(
      RefreshRotationRequest request) override;
  boost::asio::awaitable<Result<Session>> find_by_refresh_token(std::string hash) override;
  boost::asio::awaitable<Status> revoke(std::string session_id, Timestamp now) override;

  // Revocations made here are announced through `notices` from now on.
  void announce_to(Notices& notices) { notices_ = &notices; }
  // Another replica revoked the session.
  void forget(const std::string& session_id) { by_id_.erase(session_id); }

 private:
  boost::asio::awaitable<void> announce_revoked(std::string session_id);

  SessionRepository& inner_;
  TtlCache<Session> by_id_;
  Notices* notices_ = nullptr;
};

class CachingApiKeyRepository final : public ApiKeyRepository {
 public:
  CachingApiKeyRepository(ApiKeyRepository& inner, CacheSettings settings)
      : inner_(inner), by_hash_(settings.ttl, settings.max_entries) {}

  boost::asio::awaitable<Status> create(ApiKey key) override;
  boost::asio::awaitable<Result<ApiKey>> find_by_hash(std::string secret_hash) override;
  boost::asio::awaitable<Result<ApiKey>> find_by_id(std::string key_id) override;
  boost::asio::awaitable<Result<Page<ApiKey>>> list(std::string user_id, int limit,
                                                    std::optional<std::string> after) override;
  boost::asio::awaitable<Result<Page<ApiKey>>> list_all(int limit,
                                                        std::optional<std::string> after) override;
  boost::asio::awaitable<Status> revoke(std::string user_id, std::string key_id,
                                        Timestamp now) override;
  // The copy cached here changes at once; other replicas' copies within their TTL.
  boost::asio::awaitable<Result<ApiKey>> update_limits(std::string user_id, std::string key_id,
                                                       SpendingLimits limits) override;
  boost::asio::awaitable<Status> record_use(std::string key_id, Timestamp now) override;

  // Revocations made here are announced through `notices` from now on.
  void announce_to(Notices& notices) { notices_ = &notices; }
  // Another replica revoked the key.
  void forget(const std::string& key_id);

 private:
  ApiKeyRepository& inner_;
  TtlCache<ApiKey> by_hash_;
  Notices* notices_ = nullptr;
};

}  // namespace agentd::cache
