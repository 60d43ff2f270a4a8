// Login sessions and their refresh tokens in SQLite; a rotation is one transaction.
#pragma once

#include <string>
#include <string_view>

#include "application/ports/session_repository.h"

namespace agentd {
class BlockingPool;
}

namespace agentd::sqlite {

class Database;

class SqliteSessionRepository final : public SessionRepository {
 public:
  SqliteSessionRepository(Database& db, BlockingPool& pool) : db_(db), pool_(pool) {}

  boost::asio::awaitable<Status> create(Session session, std::string refresh_hash) override;
  boost::asio::awaitable<Result<Session>> find(std::string session_id) override;
  boost::asio::awaitable<Result<RefreshRotation>> rotate_refresh_token(
      RefreshRotationRequest request) override;
  boost::asio::awaitable<Result<Session>> find_by_refresh_token(std::string hash) override;
  boost::asio::awaitable<Status> revoke(std::string session_id, Timestamp now) override;

 private:
  boost::asio::awaitable<Result<Session>> find_session(std::string_view sql, std::string key,
                                                       Error not_found);

  Database& db_;
  BlockingPool& pool_;
};

}  // namespace agentd::sqlite
