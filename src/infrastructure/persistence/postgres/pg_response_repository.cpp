#include "infrastructure/persistence/postgres/pg_response_repository.h"

#include "infrastructure/persistence/postgres/pg_conversation_rows.h"
#include "infrastructure/persistence/postgres/pg_ids.h"
#include "infrastructure/persistence/response_columns.h"

namespace agentd::postgres {
namespace {

namespace asio = boost::asio;
using persistence::kResponseColumns;

constexpr std::string_view kOpen = "status IN ('queued', 'in_progress')";

std::string select_responses(std::string_view condition) {
  return "SELECT " + std::string(kResponseColumns) + " FROM responses " + std::string(condition);
}

StoredResponse read_response(const PgRows& rows, int row) {
  StoredResponse response;
  response.id = rows.text(row, 0);
  response.user_id = rows.text(row, 1);
  response.api_key_id = rows.optional_text(row, 2);
  response.conversation_id = rows.text(row, 3);
  response.run_id = rows.text(row, 4);
  response.previous_response_id = rows.optional_text(row, 5);
  response.status = parsed_status_column(rows, row, 6, parse_response_status, "response");
  response.model = rows.text(row, 7);
  response.background = rows.boolean(row, 8);
  response.request = rows.text(row, 9);
  response.input_items = rows.text(row, 10);
  response.output_after = rows.integer(row, 11);
  response.output_until = rows.optional_integer(row, 12);
  response.events_after = rows.integer(row, 13);
  response.usage_before = usage_columns(rows, row, 14);
  response.usage = usage_columns(rows, row, 17);
  response.error_code = rows.optional_text(row, 20);
  response.error_message = rows.optional_text(row, 21);
  response.created_at = rows.time(row, 22);
  response.completed_at = rows.optional_time(row, 23);
  return response;
}

Error response_not_found() { return Error::not_found("response not found", "response_not_found"); }

}  // namespace

asio::awaitable<Status> PgResponseRepository::create(StoredResponse r) {
  co_return co_await pool_.transaction(
      "create_response", [&](PgConnection& db) -> asio::awaitable<Status> {
        std::string sql = "INSERT INTO responses(" + std::string(kResponseColumns) + ") VALUES ($1";
        for (int i = 2; i <= persistence::kResponseColumnCount; ++i) {
          sql += ", $" + std::to_string(i);
        }
        sql += ")";
        const PgParams params(
            r.id, r.user_id, r.api_key_id, r.conversation_id, r.run_id, r.previous_response_id,
            std::string(to_string(r.status)), r.model, r.background, r.request, r.input_items,
            r.output_after, r.output_until, r.events_after, r.usage_before.prompt_tokens,
            r.usage_before.completion_tokens, r.usage_before.total_tokens, r.usage.prompt_tokens,
            r.usage.completion_tokens, r.usage.total_tokens, r.error_code, r.error_message,
            r.created_at, r.completed_at);
        co_await db.execute(sql, params);
        co_return ok_status();
      });
}

asio::awaitable<Result<StoredResponse>> PgResponseRepository::find(std::string user_id,
                                                                   std::string id) {
  if (!is_uuid(id) || !is_uuid(user_id)) co_return response_not_found();
  co_return co_await pool_.read(
      "find_response", [&](PgConnection& db) -> asio::awaitable<Result<StoredResponse>> {
        const auto sql = select_responses("WHERE id = $1 AND user_id = $2");
        const auto rows = co_await db.execute(sql, PgParams(id, user_id));
        if (rows.empty()) co_return response_not_found();
        co_return read_response(rows, 0);
      });
}

asio::awaitable<Result<std::optional<StoredResponse>>> PgResponseRepository::find_open_by_run(
    std::string run_id) {
  if (!is_uuid(run_id)) co_return std::optional<StoredResponse>{};
  co_return co_await pool_.read(
      "find_open_response",
      [&](PgConnection& db) -> asio::awaitable<Result<std::optional<StoredResponse>>> {
        const auto sql = select_responses("WHERE run_id = $1 AND " + std::string(kOpen) +
                                          " ORDER BY created_at DESC LIMIT 1");
        const auto rows = co_await db.execute(sql, PgParams(run_id));
        if (rows.empty()) co_return std::optional<StoredResponse>{};
        co_return std::optional<StoredResponse>(read_response(rows, 0));
      });
}

asio::awaitable<Result<std::optional<std::string>>> PgResponseRepository::latest_in_conversation(
    std::string conversation_id) {
  if (!is_uuid(conversation_id)) co_return std::optional<std::string>{};
  co_return co_await pool_.read(
      "latest_response",
      [&](PgConnection& db) -> asio::awaitable<Result<std::optional<std::string>>> {
        const auto rows = co_await db.execute(
            "SELECT id FROM responses WHERE conversation_id = $1 "
            "ORDER BY created_at DESC, id DESC LIMIT 1",
            PgParams(conversation_id));
        if (rows.empty()) co_return std::optional<std::string>{};
        co_return std::optional<std::string>(rows.text(0, 0));
      });
}

asio::awaitable<Status> PgResponseRepository::finish(std::string id, ResponseEnd end) {
  if (!is_uuid(id)) co_return response_not_found();
  co_return co_await pool_.transaction(
      "finish_response", [&](PgConnection& db) -> asio::awaitable<Status> {
        const std::string sql =
            "UPDATE responses SET status = $1, output_until = $2, prompt_tokens = $3, "
            "completion_tokens = $4, total_tokens = $5, error_code = $6, error_message = $7, "
            "completed_at = $8 WHERE id = $9 AND " +
            std::string(kOpen);
        const PgParams params(std::string(to_string(end.status)), end.output_until,
                              end.usage.prompt_tokens, end.usage.completion_tokens,
                              end.usage.total_tokens, end.error_code, end.error_message,
                              end.completed_at, id);
        co_await db.execute(sql, params);
        co_return ok_status();
      });
}

asio::awaitable<Status> PgResponseRepository::remove(std::string user_id, std::string id) {
  if (!is_uuid(id) || !is_uuid(user_id)) co_return response_not_found();
  co_return co_await pool_.transaction(
      "delete_response", [&](PgConnection& db) -> asio::awaitable<Status> {
        const auto rows = co_await db.execute(
            "DELETE FROM responses WHERE id = $1 AND user_id = $2", PgParams(id, user_id));
        if (rows.affected() == 0) co_return response_not_found();
        co_return ok_status();
      });
}

}  // namespace agentd::postgres
