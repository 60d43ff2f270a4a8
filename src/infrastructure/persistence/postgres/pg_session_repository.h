// Login sessions and their refresh tokens in PostgreSQL; a rotation is one transaction that
// holds its session's row lock.
#pragma once

#include <string>
#include <string_view>

#include "application/ports/session_repository.h"
#include "infrastructure/persistence/postgres/pg_pool.h"

namespace agentd::postgres {

class PgSessionRepository final : public SessionRepository {
 public:
  explicit PgSessionRepository(PgPool& pool) : pool_(pool) {}

  boost::asio::awaitable<Status> create(Session session, std::string refresh_hash) override;
  boost::asio::awaitable<Result<Session>> find(std::string session_id) override;
  boost::asio::awaitable<Result<RefreshRotation>> rotate_refresh_token(
      RefreshRotationRequest request) override;
  boost::asio::awaitable<Result<Session>> find_by_refresh_token(std::string hash) override;
  boost::asio::awaitable<Status> revoke(std::string session_id, Timestamp now) override;

 private:
  boost::asio::awaitable<Result<Session>> find_session(std::string_view sql, std::string key,
                                                       Error not_found);

  PgPool& pool_;
};

}  // namespace agentd::postgres
