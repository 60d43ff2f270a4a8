// HTTP face of the OpenAI-compatible gateway: POST /v1/chat/completions, GET /v1/models.
#pragma once

#include "application/chat/model_router.h"
#include "application/ports/clock.h"
#include "application/ports/id_generator.h"
#include "infrastructure/http/middleware/auth_guard.h"

namespace agentd::http {

void add_chat_routes(Router& router, const AuthGuard& guard, const ModelCatalog& catalog,
                     ModelRouter& models, IdGenerator& ids, const Clock& clock);

}  // namespace agentd::http
