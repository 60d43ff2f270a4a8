// HTTP face of the OpenAI-compatible gateway: POST /v1/chat/completions (gateway and agent
// mode), GET /v1/models.
#pragma once

#include "application/agent/agent_completion.h"
#include "application/chat/model_router.h"
#include "application/ports/clock.h"
#include "application/ports/id_generator.h"
#include "infrastructure/http/middleware/auth_guard.h"

namespace agentd::http {

void add_chat_routes(Router& router, const AuthGuard& guard, const ModelCatalog& catalog,
                     ModelRouter& models, AgentCompletion& agent, IdGenerator& ids,
                     const Clock& clock);

}  // namespace agentd::http
