#include "infrastructure/http/middleware/auth_guard.h"

#include <cctype>

#include "infrastructure/http/error_response.h"
#include "infrastructure/http/middleware/rate_limit_headers.h"

namespace agentd::http {
namespace {

// "Bearer <credential>", scheme case-insensitive; anything else yields an empty credential.
std::string_view bearer_credential(const Request& request) {
  auto header = request.header("authorization");
  if (!header) return {};
  constexpr std::string_view kScheme = "bearer ";
  if (header->size() <= kScheme.size()) return {};
  for (std::size_t i = 0; i < kScheme.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>((*header)[i])) != kScheme[i]) return {};
  }
  auto credential = header->substr(kScheme.size());
  while (!credential.empty() && credential.front() == ' ') credential.remove_prefix(1);
  while (!credential.empty() && credential.back() == ' ') credential.remove_suffix(1);
  return credential;
}

}  // namespace

Handler AuthGuard::protect(ProtectedHandler handler) const {
  return
      [this, handler = std::move(handler)](Request& request) -> boost::asio::awaitable<Response> {
        auto principal = co_await authenticate_(bearer_credential(request));
        if (!principal) co_return error_response(principal.error());

        const int limit = principal->rate_limit_per_minute.value_or(default_limit_);
        auto decision = co_await limiter_.acquire(principal->rate_limit_key(), limit);
        if (!decision.allowed) co_return too_many_requests(decision, "this credential");

        auto response = co_await handler(request, *principal);
        add_rate_limit_headers(response, decision);
        co_return response;
      };
}

}  // namespace agentd::http
