// The HTTP routes of agentd over its services: what `serve` answers and `routes` lists.
#pragma once

#include <memory>
#include <vector>

#include "application/common/metered_rate_limiter.h"
#include "infrastructure/config/config.h"
#include "infrastructure/http/handlers/health_handlers.h"
#include "infrastructure/http/middleware/auth_guard.h"
#include "infrastructure/http/router.h"
#include "main/services.h"

namespace agentd {

// The router's handlers hold the guard and the limiters by reference: all live here, together.
struct Routes {
  Routes(Services& services, const config::Config& config);

  MeteredRateLimiter request_limiter;  // each caller's requests
  MeteredRateLimiter sign_in_limiter;  // logins and registrations, by address and email
  http::AuthGuard guard;
  http::Router router;
};

std::unique_ptr<Routes> make_routes(Services& services, const config::Config& config,
                                    std::vector<http::ReadinessCheck> checks);

}  // namespace agentd
