// HTTP face of usage accounting: GET /v1/usage.
#pragma once

#include "application/usage/usage_report.h"
#include "infrastructure/http/middleware/auth_guard.h"

namespace agentd::http {

void add_usage_routes(Router& router, const AuthGuard& guard, UsageReport& report);

}  // namespace agentd::http
