#include "infrastructure/persistence/postgres/pg_conversation_rows.h"

#include <optional>

#include "infrastructure/persistence/token_ratio_column.h"
#include "infrastructure/persistence/tool_call_codec.h"

namespace agentd::postgres {
namespace {

namespace asio = boost::asio;

constexpr std::string_view kConversationInsert =
    "INSERT INTO conversations(id, user_id, title, model, system_prompt, status, message_count, "
    "created_at, updated_at, truncation) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)";
// tool_calls is jsonb: the encoded array goes in as text and the server parses it.
// One statement, so atomic without a transaction: the conversation counts one more message
// (its row lock makes concurrent appends take turns) and the message takes that position.
// Nothing is inserted when the conversation is gone.
constexpr std::string_view kMessageAppend =
    "WITH counted AS (UPDATE conversations SET message_count = message_count + 1, "
    "updated_at = $12 WHERE id = $2 RETURNING message_count) "
    "INSERT INTO messages(id, conversation_id, run_id, position, role, content, tool_calls, "
    "tool_call_id, name, prompt_tokens, completion_tokens, total_tokens, created_at) "
    "SELECT $1::uuid, $2::uuid, $3::uuid, message_count, $4, $5, $6::jsonb, $7, $8, $9::bigint, "
    "$10::bigint, $11::bigint, $12::timestamptz FROM counted RETURNING position";
// One statement, so atomic without a transaction: only an idle conversation of the run's
// user is claimed, so of two concurrent starts exactly one inserts its run.
constexpr std::string_view kRunClaimAndInsert =
    "WITH claimed AS (UPDATE conversations SET status = 'running', updated_at = $10 "
    "WHERE id = $2 AND user_id = $3 AND status = 'idle' RETURNING id) "
    "INSERT INTO runs(id, conversation_id, user_id, status, steps, prompt_tokens, "
    "completion_tokens, total_tokens, error, created_at, updated_at, model, last_event_id, "
    "attempts, cancel_requested_at, finished_at, messages_sent, messages_left_out, "
    "token_ratio_milli) "
    "SELECT $1::uuid, id, $3::uuid, $4, $5::integer, $6::bigint, $7::bigint, $8::bigint, $9, "
    "$10::timestamptz, $11::timestamptz, $12, $13::bigint, $14::integer, $15::timestamptz, "
    "$16::timestamptz, $17::integer, $18::integer, $19::bigint FROM claimed";
// A new approval has no decision yet, so its decision columns stay NULL.
constexpr std::string_view kPendingApprovalInsert =
    "INSERT INTO approvals(id, conversation_id, run_id, user_id, position, tool_call_id, tool, "
    "arguments, status, created_at, expires_at, required_by_api_key_id) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)";
constexpr std::string_view kCheckpointSave =
    "INSERT INTO checkpoints(run_id, next_node, steps, state, saved_at) "
    "VALUES ($1, $2, $3, $4, $5) "
    "ON CONFLICT (run_id) DO UPDATE SET next_node = excluded.next_node, "
    "steps = excluded.steps, state = excluded.state, saved_at = excluded.saved_at";

}  // namespace

Usage usage_columns(const PgRows& rows, int row, int first) {
  return {rows.integer(row, first), rows.integer(row, first + 1), rows.integer(row, first + 2)};
}

Conversation read_conversation(const PgRows& rows, int row) {
  Conversation conversation;
  conversation.id = rows.text(row, 0);
  conversation.user_id = rows.text(row, 1);
  conversation.title = rows.text(row, 2);
  conversation.model = rows.text(row, 3);
  conversation.system_prompt = rows.text(row, 4);
  conversation.status =
      parsed_status_column(rows, row, 5, parse_conversation_status, "conversation");
  conversation.message_count = rows.integer(row, 6);
  conversation.created_at = rows.time(row, 7);
  conversation.updated_at = rows.time(row, 8);
  conversation.truncation =
      parsed_status_column(rows, row, 9, parse_truncation, "conversation truncation");
  return conversation;
}

Message read_message(const PgRows& rows, int row) {
  Message message;
  message.id = rows.text(row, 0);
  message.conversation_id = rows.text(row, 1);
  message.run_id = rows.optional_text(row, 2);
  message.position = rows.integer(row, 3);
  message.role = rows.text(row, 4);
  message.content = rows.text(row, 5);
  // jsonb comes back re-printed (spaces after separators); the decoder parses it as JSON.
  message.tool_calls = persistence::decode_tool_calls(rows.view(row, 6));
  message.tool_call_id = rows.text(row, 7);
  message.name = rows.text(row, 8);
  if (!rows.is_null(row, 9)) message.usage = usage_columns(rows, row, 9);
  message.created_at = rows.time(row, 12);
  return message;
}

Run read_run(const PgRows& rows, int row) {
  Run run;
  run.id = rows.text(row, 0);
  run.conversation_id = rows.text(row, 1);
  run.user_id = rows.text(row, 2);
  run.status = parsed_status_column(rows, row, 3, parse_run_status, "run");
  run.steps = static_cast<int>(rows.integer(row, 4));
  run.usage = usage_columns(rows, row, 5);
  run.error = rows.optional_text(row, 8);
  run.created_at = rows.time(row, 9);
  run.updated_at = rows.time(row, 10);
  run.model = rows.text(row, 11);
  run.last_event_id = rows.integer(row, 12);
  run.attempts = static_cast<int>(rows.integer(row, 13));
  run.cancel_requested_at = rows.optional_time(row, 14);
  run.finished_at = rows.optional_time(row, 15);
  run.messages_sent = static_cast<int>(rows.integer(row, 16));
  run.messages_left_out = static_cast<int>(rows.integer(row, 17));
  run.token_ratio = persistence::token_ratio_of_milli(rows.integer(row, 18));
  return run;
}

Approval read_approval(const PgRows& rows, int row) {
  Approval approval;
  approval.id = rows.text(row, 0);
  approval.conversation_id = rows.text(row, 1);
  approval.run_id = rows.text(row, 2);
  approval.user_id = rows.text(row, 3);
  approval.tool_call_id = rows.text(row, 4);
  approval.tool = rows.text(row, 5);
  approval.arguments = rows.text(row, 6);
  approval.status = parsed_status_column(rows, row, 7, parse_approval_status, "approval");
  approval.reason = rows.optional_text(row, 8);
  approval.edited_arguments = rows.optional_text(row, 9);
  if (auto decider = rows.optional_text(row, 10)) {
    approval.decided_by = Decider{*decider, rows.optional_text(row, 15)};
  }
  approval.created_at = rows.time(row, 11);
  approval.expires_at = rows.time(row, 12);
  approval.decided_at = rows.optional_time(row, 13);
  approval.required_by_api_key_id = rows.optional_text(row, 14);
  return approval;
}

asio::awaitable<void> insert_conversation(PgConnection& db, const Conversation& conversation) {
  co_await db.execute(
      kConversationInsert,
      PgParams(conversation.id, conversation.user_id, conversation.title, conversation.model,
               conversation.system_prompt, to_string(conversation.status),
               conversation.message_count, conversation.created_at, conversation.updated_at,
               to_string(conversation.truncation)));
}

asio::awaitable<std::optional<std::int64_t>> append_message_row(PgConnection& db,
                                                                const Message& message) {
  // No usage recorded: all three columns NULL.
  std::optional<std::int64_t> prompt_tokens;
  std::optional<std::int64_t> completion_tokens;
  std::optional<std::int64_t> total_tokens;
  if (message.usage) {
    prompt_tokens = message.usage->prompt_tokens;
    completion_tokens = message.usage->completion_tokens;
    total_tokens = message.usage->total_tokens;
  }
  const std::string tool_calls = persistence::encode_tool_calls(message.tool_calls);
  const auto appended = co_await db.execute(
      kMessageAppend, PgParams(message.id, message.conversation_id, message.run_id, message.role,
                               message.content, tool_calls, message.tool_call_id, message.name,
                               prompt_tokens, completion_tokens, total_tokens, message.created_at));
  if (appended.empty()) co_return std::nullopt;
  co_return appended.integer(0, 0);
}

asio::awaitable<bool> claim_and_insert_run(PgConnection& db, const Run& run) {
  const auto inserted = co_await db.execute(
      kRunClaimAndInsert,
      PgParams(run.id, run.conversation_id, run.user_id, to_string(run.status), run.steps,
               run.usage.prompt_tokens, run.usage.completion_tokens, run.usage.total_tokens,
               run.error, run.created_at, run.updated_at, run.model, run.last_event_id,
               run.attempts, run.cancel_requested_at, run.finished_at, run.messages_sent,
               run.messages_left_out, persistence::token_ratio_milli(run.token_ratio)));
  co_return inserted.affected() > 0;
}

PgStatement pending_approval_insert(const Approval& approval, std::int64_t position) {
  return {kPendingApprovalInsert,
          PgParams(approval.id, approval.conversation_id, approval.run_id, approval.user_id,
                   position, approval.tool_call_id, approval.tool, approval.arguments,
                   to_string(ApprovalStatus::pending), approval.created_at, approval.expires_at,
                   approval.required_by_api_key_id)};
}

PgStatement checkpoint_save(const Checkpoint& checkpoint) {
  // state is jsonb: it is stored parsed, so it may read back with other spacing.
  return {kCheckpointSave, PgParams(checkpoint.run_id, checkpoint.next_node, checkpoint.steps,
                                    checkpoint.state, checkpoint.saved_at)};
}

asio::awaitable<void> save_checkpoint(PgConnection& db, const Checkpoint& checkpoint) {
  const auto save = checkpoint_save(checkpoint);
  co_await db.execute(save.sql, save.params);
}

}  // namespace agentd::postgres
