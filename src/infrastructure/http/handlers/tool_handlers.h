// HTTP face of tools: GET /v1/tools, POST /v1/tools/execute, POST /v1/tools/batch.
#pragma once

#include "application/tools/execute_tool.h"
#include "infrastructure/http/middleware/auth_guard.h"

namespace agentd::http {

void add_tool_routes(Router& router, const AuthGuard& guard, const ToolRegistry& registry,
                     ExecuteTool& execute);

}  // namespace agentd::http
