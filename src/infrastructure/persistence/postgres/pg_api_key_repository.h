// API keys in PostgreSQL, found by the hash of their secret and listed by id.
#pragma once

#include <optional>
#include <string>

#include "application/ports/api_key_repository.h"
#include "infrastructure/persistence/postgres/pg_pool.h"

namespace agentd::postgres {

class PgApiKeyRepository final : public ApiKeyRepository {
 public:
  explicit PgApiKeyRepository(PgPool& pool) : pool_(pool) {}

  boost::asio::awaitable<Status> create(ApiKey key) override;
  boost::asio::awaitable<Result<ApiKey>> find_by_hash(std::string secret_hash) override;
  boost::asio::awaitable<Result<ApiKey>> find_by_id(std::string key_id) override;
  boost::asio::awaitable<Result<Page<ApiKey>>> list(std::string user_id, int limit,
                                                    std::optional<std::string> after) override;
  boost::asio::awaitable<Result<Page<ApiKey>>> list_all(int limit,
                                                        std::optional<std::string> after) override;
  boost::asio::awaitable<Status> revoke(std::string user_id, std::string key_id,
                                        Timestamp now) override;
  boost::asio::awaitable<Result<ApiKey>> update_limits(std::string user_id, std::string key_id,
                                                       SpendingLimits limits) override;
  boost::asio::awaitable<Status> record_use(std::string key_id, Timestamp now) override;

 private:
  PgPool& pool_;
};

}  // namespace agentd::postgres
