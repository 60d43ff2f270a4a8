#include "infrastructure/persistence/sqlite/sqlite_tool_execution_repository.h"

#include "infrastructure/persistence/sqlite/time_columns.h"

namespace agentd::sqlite {
namespace {

constexpr std::string_view kInsert =
    "INSERT INTO tool_executions(id, user_id, api_key_id, conversation_id, tool, arguments, "
    "status, error_code, error_message, duration_ms, created_at) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

}  // namespace

boost::asio::awaitable<Status> SqliteToolExecutionRepository::record(ToolExecution execution) {
  co_return co_await database_.transaction("record_tool_execution",
                                           [&](sqlite3* connection) -> Status {
                                             Statement insert(connection, kInsert);
                                             insert.bind(1, execution.id)
                                                 .bind(2, execution.user_id)
                                                 .bind(3, execution.api_key_id)
                                                 .bind(4, execution.conversation_id)
                                                 .bind(5, execution.tool)
                                                 .bind(6, execution.arguments)
                                                 .bind(7, execution.status)
                                                 .bind(8, execution.error_code)
                                                 .bind(9, execution.error_message)
                                                 .bind(10, execution.duration_ms);
                                             bind_time(insert, 11, execution.created_at).step();
                                             return ok_status();
                                           });
}

}  // namespace agentd::sqlite
