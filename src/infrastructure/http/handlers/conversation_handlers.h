// HTTP face of conversations and their runs: CRUD, POST …/messages (JSON or named-event
// SSE) and GET …/events, which replays a run's stream from Last-Event-ID and follows it.
#pragma once

#include "application/conversations/conversation_runs.h"
#include "application/conversations/manage_conversations.h"
#include "infrastructure/http/middleware/auth_guard.h"

namespace agentd::http {

void add_conversation_routes(Router& router, const AuthGuard& guard,
                             ManageConversations& conversations, ConversationRuns& runs,
                             LiveRuns& live_runs);

}  // namespace agentd::http
