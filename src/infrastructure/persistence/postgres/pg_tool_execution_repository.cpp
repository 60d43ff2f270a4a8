#include "infrastructure/persistence/postgres/pg_tool_execution_repository.h"

namespace agentd::postgres {
namespace {

namespace asio = boost::asio;

constexpr std::string_view kToolExecutionInsert =
    "INSERT INTO tool_executions(id, user_id, api_key_id, conversation_id, tool, arguments, "
    "status, error_code, error_message, duration_ms, created_at) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)";

}  // namespace

asio::awaitable<Status> PgToolExecutionRepository::record(ToolExecution execution) {
  co_return co_await pool_.single(
      "record_tool_execution", [&](PgConnection& db) -> asio::awaitable<Status> {
        co_await db.execute(
            kToolExecutionInsert,
            PgParams(execution.id, execution.user_id, execution.api_key_id,
                     execution.conversation_id, execution.tool, execution.arguments,
                     execution.status, execution.error_code, execution.error_message,
                     execution.duration_ms, execution.created_at));
        co_return ok_status();
      });
}

}  // namespace agentd::postgres
