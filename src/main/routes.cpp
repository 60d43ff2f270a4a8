#include "main/routes.h"

#include "infrastructure/api_docs/docs_routes.h"
#include "infrastructure/console/console_routes.h"
#include "infrastructure/http/handlers/api_key_handlers.h"
#include "infrastructure/http/handlers/auth_handlers.h"
#include "infrastructure/http/handlers/chat_handlers.h"
#include "infrastructure/http/handlers/conversation_handlers.h"
#include "infrastructure/http/handlers/response_handlers.h"
#include "infrastructure/http/handlers/tool_handlers.h"
#include "infrastructure/http/handlers/usage_handlers.h"
#include "infrastructure/http/handlers/user_handlers.h"
#include "infrastructure/http/handlers/webhook_handlers.h"
#include "infrastructure/metrics/metrics_route.h"

namespace agentd {

Routes::Routes(Services& services, const config::Config& config)
    : request_limiter(services.rate_limiter(), services.metrics(), "requests"),
      sign_in_limiter(services.rate_limiter(), services.metrics(), "sign_in"),
      guard(services.authenticate, request_limiter, config.rate_limit_per_minute) {}

std::unique_ptr<Routes> make_routes(Services& services, const config::Config& config,
                                    std::vector<http::ReadinessCheck> checks) {
  auto routes = std::make_unique<Routes>(services, config);
  auto& router = routes->router;
  const auto& guard = routes->guard;
  http::add_health_routes(router, std::move(checks));
  api_docs::add_docs_routes(router);
  console::add_console_routes(router);
  if (services.prometheus) {
    metrics::add_metrics_route(router, *services.prometheus, config.metrics_token, [&services] {
      return services.storage->runs().count_unfinished(services.clock.now());
    });
  }
  http::add_auth_routes(router, guard,
                        {services.register_user, services.login, services.refresh, services.logout,
                         services.current_user},
                        routes->sign_in_limiter,
                        {config.login_rate_limit_per_minute, config.register_rate_limit_per_minute,
                         config.trusted_proxies});
  http::add_user_routes(router, guard, services.manage_users, *services.budgets);
  http::add_api_key_routes(router, guard, services.manage_keys, *services.budgets);
  http::add_webhook_routes(router, guard, services.manage_webhooks);
  http::add_tool_routes(router, guard, services.tools, services.execute_tool);
  http::add_chat_routes(router, guard, services.models, services.model_router,
                        services.agent_completion, services.ids, services.clock);
  http::add_conversation_routes(router, guard, services.manage_conversations,
                                services.conversation_runs, services.manage_runs,
                                services.live_runs, services.event_feed.get());
  http::add_response_routes(router, guard, services.create_response, services.manage_responses,
                            services.live_runs, services.event_feed.get());
  http::add_usage_routes(router, guard, services.usage_report);
  return routes;
}

}  // namespace agentd
