// Stored responses in SQLite.
#pragma once

#include "application/ports/response_repository.h"
#include "infrastructure/persistence/sqlite/pooled_database.h"

namespace agentd::sqlite {

class SqliteResponseRepository final : public ResponseRepository {
 public:
  SqliteResponseRepository(Database& db, BlockingPool& pool) : database_(db, pool) {}

  boost::asio::awaitable<Status> create(StoredResponse response) override;
  boost::asio::awaitable<Result<StoredResponse>> find(std::string user_id, std::string id) override;
  boost::asio::awaitable<Result<std::optional<StoredResponse>>> find_open_by_run(
      std::string run_id) override;
  boost::asio::awaitable<Result<std::optional<std::string>>> latest_in_conversation(
      std::string conversation_id) override;
  boost::asio::awaitable<Status> finish(std::string id, ResponseEnd end) override;
  boost::asio::awaitable<Status> remove(std::string user_id, std::string id) override;

 private:
  PooledDatabase database_;
};

}  // namespace agentd::sqlite
