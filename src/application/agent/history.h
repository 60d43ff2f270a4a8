// Keeps a message list valid for a model: every assistant tool call is answered by a tool
// message before the conversation moves on.
#pragma once

#include <vector>

#include "application/ports/llm_provider.h"

namespace agentd {

// Adds a "not run" tool message after any tool call left without a result (a run that was
// interrupted between asking for tools and running them). Returns how many were added.
int answer_unanswered_calls(std::vector<ChatMessage>& messages);

}  // namespace agentd
