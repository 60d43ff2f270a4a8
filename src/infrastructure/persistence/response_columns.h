// The columns of a stored response, in the order both databases' readers expect.
#pragma once

#include <string_view>

namespace agentd::persistence {

inline constexpr std::string_view kResponseColumns =
    "id, user_id, api_key_id, conversation_id, run_id, previous_response_id, status, model, "
    "background, request, input_items, output_after, output_until, events_after, "
    "before_prompt_tokens, before_completion_tokens, before_total_tokens, prompt_tokens, "
    "completion_tokens, total_tokens, error_code, error_message, created_at, completed_at";
inline constexpr int kResponseColumnCount = 24;

}  // namespace agentd::persistence
