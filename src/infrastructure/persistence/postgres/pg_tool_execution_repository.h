// The tool execution audit trail in PostgreSQL.
#pragma once

#include "application/ports/tool_execution_repository.h"
#include "infrastructure/persistence/postgres/pg_pool.h"

namespace agentd::postgres {

class PgToolExecutionRepository final : public ToolExecutionRepository {
 public:
  explicit PgToolExecutionRepository(PgPool& pool) : pool_(pool) {}

  boost::asio::awaitable<Status> record(ToolExecution execution) override;

 private:
  PgPool& pool_;
};

}  // namespace agentd::postgres
