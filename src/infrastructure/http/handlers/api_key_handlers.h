// HTTP face of API key management: POST/GET /v1/auth/tokens, GET/PATCH/DELETE
// /v1/auth/tokens/{id}.
#pragma once

#include "application/api_keys/manage_api_keys.h"
#include "application/usage/budget_gate.h"
#include "infrastructure/http/middleware/auth_guard.h"

namespace agentd::http {

void add_api_key_routes(Router& router, const AuthGuard& guard, ManageApiKeys& keys,
                        BudgetGate& budgets);

}  // namespace agentd::http
