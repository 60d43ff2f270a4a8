// The tool execution audit trail in SQLite.
#pragma once

#include "application/ports/tool_execution_repository.h"
#include "infrastructure/persistence/sqlite/pooled_database.h"

namespace agentd::sqlite {

class SqliteToolExecutionRepository final : public ToolExecutionRepository {
 public:
  SqliteToolExecutionRepository(Database& db, BlockingPool& pool) : database_(db, pool) {}

  boost::asio::awaitable<Status> record(ToolExecution execution) override;

 private:
  PooledDatabase database_;
};

}  // namespace agentd::sqlite
