// HTTP face of accounts and sessions: register, login, refresh, logout, users/me.
#pragma once

#include <string>
#include <vector>

#include "application/auth/current_user.h"
#include "application/auth/login.h"
#include "application/auth/logout.h"
#include "application/auth/refresh_session.h"
#include "application/auth/register_user.h"
#include "application/ports/rate_limiter.h"
#include "infrastructure/http/middleware/auth_guard.h"

namespace agentd::http {

// Brute force and account spam limits for the unauthenticated routes.
struct SignInLimits {
  int login_per_minute = 10;     // per client address and per email
  int register_per_minute = 20;  // per client address and per email
  std::vector<std::string> trusted_proxies;
};

struct AuthUseCases {
  RegisterUser& register_user;
  Login& login;
  RefreshSession& refresh;
  Logout& logout;
  CurrentUser& current_user;
};

void add_auth_routes(Router& router, const AuthGuard& guard, AuthUseCases use_cases,
                     RateLimiter& limiter, SignInLimits limits);

}  // namespace agentd::http
