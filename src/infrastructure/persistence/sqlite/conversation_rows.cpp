#include "infrastructure/persistence/sqlite/conversation_rows.h"

#include "infrastructure/persistence/sqlite/time_columns.h"
#include "infrastructure/persistence/token_ratio_column.h"
#include "infrastructure/persistence/tool_call_codec.h"

namespace agentd::sqlite {
namespace {

// A new approval has no decision yet, so its decision columns stay NULL.
constexpr std::string_view kPendingApprovalColumns =
    "id, conversation_id, run_id, user_id, position, tool_call_id, tool, arguments, status, "
    "created_at, expires_at, required_by_api_key_id";
constexpr std::string_view kSaveCheckpoint =
    "INSERT INTO checkpoints(run_id, next_node, steps, state, saved_at) VALUES (?, ?, ?, ?, ?) "
    "ON CONFLICT(run_id) DO UPDATE SET next_node = excluded.next_node, steps = excluded.steps, "
    "state = excluded.state, saved_at = excluded.saved_at";

std::string insert(std::string_view table, std::string_view columns, int count) {
  std::string sql = "INSERT INTO " + std::string(table) + "(" + std::string(columns) + ") VALUES (";
  for (int i = 0; i < count; ++i) sql += i == 0 ? "?" : ", ?";
  return sql + ")";
}

}  // namespace

Statement& bind_usage(Statement& statement, int first, const Usage& usage) {
  return statement.bind(first, usage.prompt_tokens)
      .bind(first + 1, usage.completion_tokens)
      .bind(first + 2, usage.total_tokens);
}

Usage usage_columns(const Statement& row, int first) {
  return {row.integer(first), row.integer(first + 1), row.integer(first + 2)};
}

Conversation read_conversation(const Statement& row) {
  Conversation conversation;
  conversation.id = row.text(0);
  conversation.user_id = row.text(1);
  conversation.title = row.text(2);
  conversation.model = row.text(3);
  conversation.system_prompt = row.text(4);
  conversation.status = status_column(row, 5, parse_conversation_status, "conversation");
  conversation.message_count = row.integer(6);
  conversation.created_at = time_column(row, 7);
  conversation.updated_at = time_column(row, 8);
  conversation.truncation = status_column(row, 9, parse_truncation, "conversation truncation");
  return conversation;
}

Message read_message(const Statement& row) {
  Message message;
  message.id = row.text(0);
  message.conversation_id = row.text(1);
  message.run_id = row.optional_text(2);
  message.position = row.integer(3);
  message.role = row.text(4);
  message.content = row.text(5);
  message.tool_calls = persistence::decode_tool_calls(row.text(6));
  message.tool_call_id = row.text(7);
  message.name = row.text(8);
  if (!row.is_null(9)) message.usage = usage_columns(row, 9);
  message.created_at = time_column(row, 12);
  return message;
}

Run read_run(const Statement& row) {
  Run run;
  run.id = row.text(0);
  run.conversation_id = row.text(1);
  run.user_id = row.text(2);
  run.status = status_column(row, 3, parse_run_status, "run");
  run.steps = static_cast<int>(row.integer(4));
  run.usage = usage_columns(row, 5);
  run.error = row.optional_text(8);
  run.created_at = time_column(row, 9);
  run.updated_at = time_column(row, 10);
  run.model = row.text(11);
  run.last_event_id = row.integer(12);
  run.attempts = static_cast<int>(row.integer(13));
  run.cancel_requested_at = optional_time_column(row, 14);
  run.finished_at = optional_time_column(row, 15);
  run.messages_sent = static_cast<int>(row.integer(16));
  run.messages_left_out = static_cast<int>(row.integer(17));
  run.token_ratio = persistence::token_ratio_of_milli(row.integer(18));
  return run;
}

Approval read_approval(const Statement& row) {
  Approval approval;
  approval.id = row.text(0);
  approval.conversation_id = row.text(1);
  approval.run_id = row.text(2);
  approval.user_id = row.text(3);
  approval.tool_call_id = row.text(4);
  approval.tool = row.text(5);
  approval.arguments = row.text(6);
  approval.status = status_column(row, 7, parse_approval_status, "approval");
  approval.reason = row.optional_text(8);
  approval.edited_arguments = row.optional_text(9);
  if (auto decider = row.optional_text(10)) {
    approval.decided_by = Decider{*decider, row.optional_text(15)};
  }
  approval.created_at = time_column(row, 11);
  approval.expires_at = time_column(row, 12);
  approval.decided_at = optional_time_column(row, 13);
  approval.required_by_api_key_id = row.optional_text(14);
  return approval;
}

void insert_conversation(sqlite3* connection, const Conversation& conversation) {
  Statement statement(connection, insert("conversations", persistence::kConversationColumns, 10));
  statement.bind(1, conversation.id)
      .bind(2, conversation.user_id)
      .bind(3, conversation.title)
      .bind(4, conversation.model)
      .bind(5, conversation.system_prompt)
      .bind(6, to_string(conversation.status))
      .bind(7, conversation.message_count);
  bind_time(statement, 8, conversation.created_at);
  bind_time(statement, 9, conversation.updated_at)
      .bind(10, to_string(conversation.truncation))
      .step();
}

void insert_message(sqlite3* connection, const Message& message) {
  Statement statement(connection, insert("messages", persistence::kMessageColumns, 13));
  statement.bind(1, message.id)
      .bind(2, message.conversation_id)
      .bind(3, message.run_id)
      .bind(4, message.position)
      .bind(5, message.role)
      .bind(6, message.content)
      .bind(7, persistence::encode_tool_calls(message.tool_calls))
      .bind(8, message.tool_call_id)
      .bind(9, message.name);
  if (message.usage) {
    bind_usage(statement, 10, *message.usage);
  } else {
    statement.bind(10, nullptr).bind(11, nullptr).bind(12, nullptr);
  }
  bind_time(statement, 13, message.created_at).step();
}

void insert_run(sqlite3* connection, const Run& run) {
  Statement statement(connection, insert("runs", persistence::kRunColumns, 19));
  statement.bind(1, run.id)
      .bind(2, run.conversation_id)
      .bind(3, run.user_id)
      .bind(4, to_string(run.status))
      .bind(5, std::int64_t{run.steps});
  bind_usage(statement, 6, run.usage).bind(9, run.error);
  bind_time(statement, 10, run.created_at);
  bind_time(statement, 11, run.updated_at)
      .bind(12, run.model)
      .bind(13, run.last_event_id)
      .bind(14, std::int64_t{run.attempts});
  bind_time(statement, 15, run.cancel_requested_at);
  bind_time(statement, 16, run.finished_at)
      .bind(17, std::int64_t{run.messages_sent})
      .bind(18, std::int64_t{run.messages_left_out})
      .bind(19, persistence::token_ratio_milli(run.token_ratio))
      .step();
}

void insert_pending_approval(sqlite3* connection, const Approval& approval, std::int64_t position) {
  Statement statement(connection, insert("approvals", kPendingApprovalColumns, 12));
  statement.bind(1, approval.id)
      .bind(2, approval.conversation_id)
      .bind(3, approval.run_id)
      .bind(4, approval.user_id)
      .bind(5, position)
      .bind(6, approval.tool_call_id)
      .bind(7, approval.tool)
      .bind(8, approval.arguments)
      .bind(9, to_string(ApprovalStatus::pending));
  bind_time(statement, 10, approval.created_at);
  bind_time(statement, 11, approval.expires_at).bind(12, approval.required_by_api_key_id).step();
}

void save_checkpoint(sqlite3* connection, const Checkpoint& checkpoint) {
  Statement statement(connection, kSaveCheckpoint);
  statement.bind(1, checkpoint.run_id)
      .bind(2, checkpoint.next_node)
      .bind(3, std::int64_t{checkpoint.steps})
      .bind(4, checkpoint.state);
  bind_time(statement, 5, checkpoint.saved_at).step();
}

}  // namespace agentd::sqlite
