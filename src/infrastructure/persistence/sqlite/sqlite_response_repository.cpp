#include "infrastructure/persistence/sqlite/sqlite_response_repository.h"

#include "infrastructure/persistence/response_columns.h"
#include "infrastructure/persistence/sqlite/conversation_rows.h"
#include "infrastructure/persistence/sqlite/find_one.h"
#include "infrastructure/persistence/sqlite/time_columns.h"

namespace agentd::sqlite {
namespace {

using persistence::kResponseColumns;

constexpr std::string_view kOpen = "status IN ('queued', 'in_progress')";

std::string select_responses(std::string_view condition) {
  return "SELECT " + std::string(kResponseColumns) + " FROM responses " + std::string(condition);
}

StoredResponse read_response(const Statement& row) {
  StoredResponse response;
  response.id = row.text(0);
  response.user_id = row.text(1);
  response.api_key_id = row.optional_text(2);
  response.conversation_id = row.text(3);
  response.run_id = row.text(4);
  response.previous_response_id = row.optional_text(5);
  response.status = status_column(row, 6, parse_response_status, "response");
  response.model = row.text(7);
  response.background = row.integer(8) != 0;
  response.request = row.text(9);
  response.input_items = row.text(10);
  response.output_after = row.integer(11);
  if (!row.is_null(12)) response.output_until = row.integer(12);
  response.events_after = row.integer(13);
  response.usage_before = usage_columns(row, 14);
  response.usage = usage_columns(row, 17);
  response.error_code = row.optional_text(20);
  response.error_message = row.optional_text(21);
  response.created_at = time_column(row, 22);
  response.completed_at = optional_time_column(row, 23);
  return response;
}

Error response_not_found() { return Error::not_found("response not found", "response_not_found"); }

}  // namespace

boost::asio::awaitable<Status> SqliteResponseRepository::create(StoredResponse r) {
  co_return co_await database_.transaction("create_response", [&](sqlite3* connection) -> Status {
    std::string sql = "INSERT INTO responses(" + std::string(kResponseColumns) + ") VALUES (?";
    for (int i = 1; i < persistence::kResponseColumnCount; ++i) sql += ", ?";
    sql += ")";
    Statement insert(connection, sql);
    insert.bind(1, r.id)
        .bind(2, r.user_id)
        .bind(3, r.api_key_id)
        .bind(4, r.conversation_id)
        .bind(5, r.run_id)
        .bind(6, r.previous_response_id)
        .bind(7, std::string(to_string(r.status)))
        .bind(8, r.model)
        .bind(9, std::int64_t{r.background ? 1 : 0})
        .bind(10, r.request)
        .bind(11, r.input_items)
        .bind(12, r.output_after);
    if (r.output_until) insert.bind(13, *r.output_until);
    insert.bind(14, r.events_after);
    bind_usage(insert, 15, r.usage_before);
    bind_usage(insert, 18, r.usage).bind(21, r.error_code).bind(22, r.error_message);
    bind_time(insert, 23, r.created_at);
    bind_time(insert, 24, r.completed_at).step();
    return ok_status();
  });
}

boost::asio::awaitable<Result<StoredResponse>> SqliteResponseRepository::find(std::string user_id,
                                                                              std::string id) {
  co_return co_await database_.read(
      "find_response", [&](sqlite3* connection) -> Result<StoredResponse> {
        Statement query(connection, select_responses("WHERE id = ? AND user_id = ?"));
        query.bind(1, id).bind(2, user_id);
        if (!query.step()) return response_not_found();
        return read_response(query);
      });
}

boost::asio::awaitable<Result<std::optional<StoredResponse>>>
SqliteResponseRepository::find_open_by_run(std::string run_id) {
  co_return co_await database_.read(
      "find_open_response", [&](sqlite3* connection) -> Result<std::optional<StoredResponse>> {
        const auto sql = select_responses("WHERE run_id = ? AND " + std::string(kOpen) +
                                          " ORDER BY created_at DESC LIMIT 1");
        return find_one(connection, sql, run_id, read_response);
      });
}

boost::asio::awaitable<Result<std::optional<std::string>>>
SqliteResponseRepository::latest_in_conversation(std::string conversation_id) {
  co_return co_await database_.read(
      "latest_response", [&](sqlite3* connection) -> Result<std::optional<std::string>> {
        return find_one(connection,
                        "SELECT id FROM responses WHERE conversation_id = ? "
                        "ORDER BY created_at DESC, rowid DESC LIMIT 1",
                        conversation_id, [](const Statement& row) { return row.text(0); });
      });
}

boost::asio::awaitable<Status> SqliteResponseRepository::finish(std::string id, ResponseEnd end) {
  co_return co_await database_.transaction("finish_response", [&](sqlite3* connection) -> Status {
    Statement update(connection,
                     "UPDATE responses SET status = ?, output_until = ?, prompt_tokens = ?, "
                     "completion_tokens = ?, total_tokens = ?, error_code = ?, "
                     "error_message = ?, completed_at = ? WHERE id = ? AND " +
                         std::string(kOpen));
    update.bind(1, std::string(to_string(end.status))).bind(2, end.output_until);
    bind_usage(update, 3, end.usage).bind(6, end.error_code).bind(7, end.error_message);
    bind_time(update, 8, end.completed_at);
    update.bind(9, id).step();
    return ok_status();
  });
}

boost::asio::awaitable<Status> SqliteResponseRepository::remove(std::string user_id,
                                                                std::string id) {
  co_return co_await database_.transaction("delete_response", [&](sqlite3* connection) -> Status {
    Statement remove(connection, "DELETE FROM responses WHERE id = ? AND user_id = ?");
    remove.bind(1, id).bind(2, user_id).step();
    if (remove.changed_rows() == 0) return response_not_found();
    return ok_status();
  });
}

}  // namespace agentd::sqlite
