// Wraps a handler so it runs only for an authenticated, rate-limited caller, and receives
// that caller as a Principal.
#pragma once

#include <functional>

#include "application/auth/authenticate.h"
#include "application/ports/rate_limiter.h"
#include "infrastructure/http/router.h"

namespace agentd::http {

using ProtectedHandler =
    std::function<boost::asio::awaitable<Response>(Request&, const Principal&)>;

class AuthGuard {
 public:
  AuthGuard(Authenticate& authenticate, RateLimiter& limiter, int default_limit_per_minute)
      : authenticate_(authenticate), limiter_(limiter), default_limit_(default_limit_per_minute) {}

  Handler protect(ProtectedHandler handler) const;

 private:
  Authenticate& authenticate_;
  RateLimiter& limiter_;
  int default_limit_;
};

}  // namespace agentd::http
