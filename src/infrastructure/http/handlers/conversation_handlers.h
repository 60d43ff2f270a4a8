// HTTP face of conversations and their runs: CRUD, POST …/messages and POST …/approve
// (JSON or named-event SSE), GET …/events, which replays a run's stream from Last-Event-ID
// and follows it, GET /v1/approvals, the caller's inbox, and the runs: GET …/runs,
// GET /v1/runs/{id} and POST /v1/runs/{id}/cancel.
#pragma once

#include "application/conversations/conversation_runs.h"
#include "application/conversations/manage_conversations.h"
#include "application/conversations/manage_runs.h"
#include "application/ports/run_event_feed.h"
#include "infrastructure/http/middleware/auth_guard.h"

namespace agentd::http {

void add_conversation_routes(Router& router, const AuthGuard& guard,
                             ManageConversations& conversations, ConversationRuns& runs,
                             ManageRuns& manage_runs, LiveRuns& live_runs,
                             RunEventFeed* feed = nullptr);

}  // namespace agentd::http
