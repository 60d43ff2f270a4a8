// API keys in SQLite, found by the hash of their secret and listed per user by id.
#pragma once

#include <optional>
#include <string>

#include "application/ports/api_key_repository.h"

namespace agentd {
class BlockingPool;
}

namespace agentd::sqlite {

class Database;

class SqliteApiKeyRepository final : public ApiKeyRepository {
 public:
  SqliteApiKeyRepository(Database& db, BlockingPool& pool) : db_(db), pool_(pool) {}

  boost::asio::awaitable<Status> create(ApiKey key) override;
  boost::asio::awaitable<Result<ApiKey>> find_by_hash(std::string secret_hash) override;
  boost::asio::awaitable<Result<Page<ApiKey>>> list(std::string user_id, int limit,
                                                    std::optional<std::string> after) override;
  boost::asio::awaitable<Status> revoke(std::string user_id, std::string key_id,
                                        Timestamp now) override;
  boost::asio::awaitable<Status> record_use(std::string key_id, Timestamp now) override;

 private:
  Database& db_;
  BlockingPool& pool_;
};

}  // namespace agentd::sqlite
