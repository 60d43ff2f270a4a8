// User accounts in SQLite; the unique email index decides which registration wins.
#pragma once

#include <string>
#include <string_view>

#include "application/ports/user_repository.h"

namespace agentd {
class BlockingPool;
}

namespace agentd::sqlite {

class Database;

class SqliteUserRepository final : public UserRepository {
 public:
  SqliteUserRepository(Database& db, BlockingPool& pool) : db_(db), pool_(pool) {}

  boost::asio::awaitable<Result<User>> create(User user) override;
  boost::asio::awaitable<Result<User>> find_by_email(std::string email) override;
  boost::asio::awaitable<Result<User>> find_by_id(std::string id) override;

 private:
  boost::asio::awaitable<Result<User>> find(std::string_view sql, std::string key);

  Database& db_;
  BlockingPool& pool_;
};

}  // namespace agentd::sqlite
