// User accounts in SQLite; the unique email index decides which registration wins.
#pragma once

#include <string>
#include <string_view>

#include "application/ports/user_repository.h"
#include "infrastructure/persistence/sqlite/pooled_database.h"

namespace agentd::sqlite {

class SqliteUserRepository final : public UserRepository {
 public:
  SqliteUserRepository(Database& db, BlockingPool& pool) : database_(db, pool) {}

  boost::asio::awaitable<Result<User>> create(User user) override;
  boost::asio::awaitable<Result<User>> find_by_email(std::string email) override;
  boost::asio::awaitable<Result<User>> find_by_id(std::string id) override;
  boost::asio::awaitable<Result<Page<User>>> list(int limit,
                                                  std::optional<std::string> after) override;
  boost::asio::awaitable<Result<User>> set_disabled(std::string id,
                                                    std::optional<Timestamp> since) override;
  boost::asio::awaitable<Result<User>> set_limits(std::string id, SpendingLimits limits) override;

 private:
  // The user whose `column` (id or email) is `key`.
  boost::asio::awaitable<Result<User>> find(std::string_view column, std::string key);

  PooledDatabase database_;
};

}  // namespace agentd::sqlite
