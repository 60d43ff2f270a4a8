#include "main/routes.h"

#include "infrastructure/http/handlers/api_key_handlers.h"
#include "infrastructure/http/handlers/auth_handlers.h"
#include "infrastructure/http/handlers/chat_handlers.h"
#include "infrastructure/http/handlers/conversation_handlers.h"
#include "infrastructure/http/handlers/tool_handlers.h"

namespace agentd {

std::unique_ptr<Routes> make_routes(Services& services, const config::Config& config,
                                    std::vector<http::ReadinessCheck> checks) {
  auto routes = std::make_unique<Routes>(Routes{
      http::AuthGuard(services.authenticate, services.rate_limiter(), config.rate_limit_per_minute),
      http::Router{}});
  auto& router = routes->router;
  const auto& guard = routes->guard;
  http::add_health_routes(router, std::move(checks));
  http::add_auth_routes(router, guard,
                        {services.register_user, services.login, services.refresh, services.logout,
                         services.current_user},
                        services.rate_limiter(),
                        {config.login_rate_limit_per_minute, config.register_rate_limit_per_minute,
                         config.trusted_proxies});
  http::add_api_key_routes(router, guard, services.manage_keys);
  http::add_tool_routes(router, guard, services.tools, services.execute_tool);
  http::add_chat_routes(router, guard, services.models, services.model_router,
                        services.agent_completion, services.ids, services.clock);
  http::add_conversation_routes(router, guard, services.manage_conversations,
                                services.conversation_runs, services.manage_runs,
                                services.live_runs, services.event_feed.get());
  return routes;
}

}  // namespace agentd
