#include "infrastructure/http/handlers/health_handlers.h"

#include <boost/json.hpp>
#include <memory>

#include "infrastructure/http/error_response.h"
#include "infrastructure/http/json_body.h"

namespace agentd::http {

void add_health_routes(Router& router, std::vector<ReadinessCheck> checks) {
  router.add("GET", "/health", [](Request&) -> boost::asio::awaitable<Response> {
    co_return Response::json(200, R"({"status":"ok"})");
  });

  auto shared_checks = std::make_shared<std::vector<ReadinessCheck>>(std::move(checks));
  router.add("GET", "/ready", [shared_checks](Request&) -> boost::asio::awaitable<Response> {
    boost::json::object results;
    std::string failures;
    for (const auto& readiness : *shared_checks) {
      auto status = co_await readiness.check();
      if (status) {
        results[readiness.name] = "ok";
        continue;
      }
      results[readiness.name] = status.error().message;
      if (!readiness.required) continue;
      if (!failures.empty()) failures += "; ";
      failures += readiness.name + ": " + status.error().message;
    }
    if (!failures.empty()) {
      co_return error_response(Error::unavailable("not ready: " + failures, "not_ready"));
    }
    co_return json_response(200, boost::json::object{{"status", "ready"}, {"checks", results}});
  });
}

}  // namespace agentd::http
