// User accounts in PostgreSQL; the unique email index decides which registration wins.
#pragma once

#include <string>
#include <string_view>

#include "application/ports/user_repository.h"
#include "infrastructure/persistence/postgres/pg_pool.h"

namespace agentd::postgres {

class PgUserRepository final : public UserRepository {
 public:
  explicit PgUserRepository(PgPool& pool) : pool_(pool) {}

  boost::asio::awaitable<Result<User>> create(User user) override;
  boost::asio::awaitable<Result<User>> find_by_email(std::string email) override;
  boost::asio::awaitable<Result<User>> find_by_id(std::string id) override;
  boost::asio::awaitable<Result<Page<User>>> list(int limit,
                                                  std::optional<std::string> after) override;
  boost::asio::awaitable<Result<User>> set_disabled(std::string id,
                                                    std::optional<Timestamp> since) override;
  boost::asio::awaitable<Result<User>> set_limits(std::string id, SpendingLimits limits) override;

 private:
  boost::asio::awaitable<Result<User>> find(std::string sql, std::string key);

  PgPool& pool_;
};

}  // namespace agentd::postgres
