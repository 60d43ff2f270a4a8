// The selects both databases read conversations, messages, runs and approvals with: the
// same columns in the order each adapter's row readers expect.
#pragma once

#include <string>
#include <string_view>

namespace agentd::persistence {

// Every column of each table, in the order the row readers expect.
inline constexpr std::string_view kConversationColumns =
    "id, user_id, title, model, system_prompt, status, message_count, created_at, updated_at, "
    "truncation";
inline constexpr std::string_view kMessageColumns =
    "id, conversation_id, run_id, position, role, content, tool_calls, tool_call_id, name, "
    "prompt_tokens, completion_tokens, total_tokens, created_at";
inline constexpr std::string_view kRunColumns =
    "id, conversation_id, user_id, status, steps, prompt_tokens, completion_tokens, "
    "total_tokens, error, created_at, updated_at, model, last_event_id, attempts, "
    "cancel_requested_at, finished_at, messages_sent, messages_left_out, token_ratio_milli";
inline constexpr std::string_view kApprovalColumns =
    "id, conversation_id, run_id, user_id, tool_call_id, tool, arguments, status, reason, "
    "edited_arguments, decided_by, created_at, expires_at, decided_at, required_by_api_key_id, "
    "decided_by_api_key_id";

// "SELECT <every column> FROM <table> <condition>".
std::string select_conversations(std::string_view condition);
std::string select_messages(std::string_view condition);
std::string select_runs(std::string_view condition);
std::string select_approvals(std::string_view condition);

}  // namespace agentd::persistence
