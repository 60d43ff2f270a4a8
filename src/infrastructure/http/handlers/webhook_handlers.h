// HTTP face of webhooks: POST/GET /v1/webhooks, GET/DELETE /v1/webhooks/{id},
// GET /v1/webhooks/{id}/deliveries.
#pragma once

#include "application/webhooks/manage_webhooks.h"
#include "infrastructure/http/middleware/auth_guard.h"

namespace agentd::http {

void add_webhook_routes(Router& router, const AuthGuard& guard, ManageWebhooks& webhooks);

}  // namespace agentd::http
