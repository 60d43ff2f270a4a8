// Fitting a run's history to its model's context window. No tokenizer: tokens are estimated
// from the text's bytes and the estimate is corrected by the prompt tokens the upstream
// reported for an earlier call (the ratio between the two).
//
// What is sent is the system prompt, the newest turn, and as many whole turns before it as
// fit; a turn is a user message and everything after it up to the next user message, so an
// assistant's tool calls and their results always travel together. The stored history is
// never changed.
#pragma once

#include <cstdint>
#include <vector>

#include "application/chat/context_limits.h"
#include "application/ports/llm_provider.h"

namespace agentd {

// Estimated tokens before correction: about four bytes a token, plus each message's framing.
std::int64_t estimated_tokens(const ChatMessage& message);
std::int64_t estimated_tokens(const std::vector<ChatMessage>& messages);
std::int64_t estimated_tokens(const std::vector<ToolDefinition>& tools);

// The upstream's tokens per estimated token, from a call it reported on; kept within [1/4, 4]
// so one odd report cannot make the estimate absurd.
double learned_token_ratio(std::int64_t reported_prompt_tokens, std::int64_t estimated);

struct FittedHistory {
  std::vector<ChatMessage> messages;
  int left_out = 0;            // older messages not sent
  std::int64_t estimated = 0;  // of `messages`, before correction
};

// The messages that fit in `budget` corrected tokens (estimate × ratio, ratio 0 meaning 1).
// System messages at the start and the newest turn are always kept, even when they alone
// are over the budget: the upstream then says so.
FittedHistory fit_history(const std::vector<ChatMessage>& messages, std::int64_t budget,
                          double ratio);

// What a call may spend on its messages: the window less the answer's room (`max_tokens`
// when the request sets it, else the model's max_output_tokens) and the tool definitions,
// with a margin for the estimate's error.
std::int64_t history_budget(const ContextLimits& limits, std::int64_t max_tokens,
                            std::int64_t tool_tokens);

}  // namespace agentd
