// The tool execution audit trail in SQLite.
#pragma once

#include "application/ports/tool_execution_repository.h"

namespace agentd {
class BlockingPool;
}

namespace agentd::sqlite {

class Database;

class SqliteToolExecutionRepository final : public ToolExecutionRepository {
 public:
  SqliteToolExecutionRepository(Database& db, BlockingPool& pool) : db_(db), pool_(pool) {}

  boost::asio::awaitable<Status> record(ToolExecution execution) override;

 private:
  Database& db_;
  BlockingPool& pool_;
};

}  // namespace agentd::sqlite
