// HTTP face of the Responses API: POST /v1/responses (JSON, SSE, or background), and the
// stored responses: GET (JSON, or its stream from ?starting_after=N), DELETE, the input
// items, and cancel.
#pragma once

#include "application/agent/live_run.h"
#include "application/ports/run_event_feed.h"
#include "application/responses/create_response.h"
#include "application/responses/manage_responses.h"
#include "infrastructure/http/middleware/auth_guard.h"

namespace agentd::http {

void add_response_routes(Router& router, const AuthGuard& guard, CreateResponse& create,
                         ManageResponses& manage, LiveRuns& live_runs,
                         RunEventFeed* feed = nullptr);

}  // namespace agentd::http
