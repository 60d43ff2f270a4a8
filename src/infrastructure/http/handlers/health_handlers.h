// GET /health (the process answers) and GET /ready (every dependency answers).
#pragma once

#include <boost/asio/awaitable.hpp>
#include <functional>
#include <string>
#include <vector>

#include "domain/common/result.h"
#include "infrastructure/http/router.h"

namespace agentd::http {

// A named dependency check, e.g. {"database", …}. A failing required check makes /ready
// answer 503; an optional one is only reported.
struct ReadinessCheck {
  std::string name;
  std::function<boost::asio::awaitable<Status>()> check;
  bool required = true;
};

void add_health_routes(Router& router, std::vector<ReadinessCheck> checks);

}  // namespace agentd::http
