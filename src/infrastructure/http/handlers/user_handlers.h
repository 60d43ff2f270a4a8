// HTTP face of account administration: GET /v1/users, GET and PATCH /v1/users/{id}. An
// administrator lists accounts and sets what each may spend; a person may read their own.
#pragma once

#include "application/usage/budget_gate.h"
#include "application/users/manage_users.h"
#include "infrastructure/http/middleware/auth_guard.h"

namespace agentd::http {

// Register after the auth routes, so that GET /v1/users/me keeps its own handler.
void add_user_routes(Router& router, const AuthGuard& guard, ManageUsers& users,
                     BudgetGate& budgets);

}  // namespace agentd::http
