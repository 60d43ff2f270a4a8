#include "infrastructure/http/handlers/auth_handlers.h"

#include <algorithm>
#include <boost/json.hpp>
#include <cctype>

#include "infrastructure/http/dto/identity_dto.h"
#include "infrastructure/http/error_response.h"
#include "infrastructure/http/json_body.h"
#include "infrastructure/http/json_fields.h"
#include "infrastructure/http/middleware/client_address.h"
#include "infrastructure/http/middleware/rate_limit_headers.h"

namespace agentd::http {
namespace {

using boost::asio::awaitable;

std::string lower_trimmed(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front())))
    text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back())))
    text.remove_suffix(1);
  std::string lower(text);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return lower;
}

// Parses the body as an object and reads the listed string fields (all required).
template <std::size_t N>
Result<std::array<std::string, N>> read_strings(const Request& request,
                                                const std::array<std::string_view, N>& fields) {
  auto body = parse_json_body(request);
  if (!body) return std::move(body).take_error();
  auto object = require_object(*body);
  if (!object) return std::move(object).take_error();
  std::array<std::string, N> values;
  for (std::size_t i = 0; i < N; ++i) {
    auto value = required_string(**object, fields[i]);
    if (!value) return std::move(value).take_error();
    values[i] = std::move(*value);
  }
  return values;
}

class AuthRoutes {
 public:
  AuthRoutes(AuthUseCases use_cases, RateLimiter& limiter, SignInLimits limits)
      : use_cases_(use_cases), limiter_(limiter), limits_(std::move(limits)) {}

  awaitable<Response> register_user(Request& request) {
    auto limited = co_await limit("register:" + client_address(request, limits_.trusted_proxies),
                                  limits_.register_per_minute, "registrations from this address");
    if (limited) co_return std::move(*limited);
    auto body = parse_json_body(request);
    if (!body) co_return error_response(body.error());
    auto object = require_object(*body);
    if (!object) co_return error_response(object.error());
    auto email = required_string(**object, "email");
    if (!email) co_return error_response(email.error());
    auto password = required_string(**object, "password");
    if (!password) co_return error_response(password.error());
    auto name = optional_string(**object, "name");
    if (!name) co_return error_response(name.error());
    auto by_email = co_await limit("register-email:" + lower_trimmed(*email),
                                   limits_.register_per_minute, "registrations of this email");
    if (by_email) co_return std::move(*by_email);

    // A named argument: GCC 12 copies a braced temporary into a coroutine frame bitwise,
    // which breaks short strings.
    Registration registration{std::move(*email), std::move(*password), name->value_or(""),
                              Role::user};
    auto user = co_await use_cases_.register_user(std::move(registration));
    if (!user) co_return error_response(user.error());
    co_return json_response(201, boost::json::object{{"user", to_json(*user)}});
  }

  awaitable<Response> login(Request& request) {
    auto fields = read_strings<2>(request, {"email", "password"});
    if (!fields) co_return error_response(fields.error());
    auto& [email, password] = *fields;
    auto by_address = co_await limit("login-ip:" + client_address(request, limits_.trusted_proxies),
                                     limits_.login_per_minute, "sign-ins from this address");
    if (by_address) co_return std::move(*by_address);
    auto by_email = co_await limit("login-email:" + lower_trimmed(email), limits_.login_per_minute,
                                   "sign-ins to this account");
    if (by_email) co_return std::move(*by_email);

    auto tokens = co_await use_cases_.login(std::move(email), std::move(password));
    if (!tokens) co_return error_response(tokens.error());
    co_return json_response(200, to_json(*tokens));
  }

  awaitable<Response> refresh(Request& request) {
    auto fields = read_strings<1>(request, {"refresh_token"});
    if (!fields) co_return error_response(fields.error());
    auto tokens = co_await use_cases_.refresh(std::move((*fields)[0]));
    if (!tokens) co_return error_response(tokens.error());
    co_return json_response(200, to_json(*tokens));
  }

  awaitable<Response> logout(Request& request) {
    auto fields = read_strings<1>(request, {"refresh_token"});
    if (!fields) co_return error_response(fields.error());
    auto status = co_await use_cases_.logout(std::move((*fields)[0]));
    if (!status) co_return error_response(status.error());
    co_return Response::no_content();
  }

  awaitable<Response> me(Request&, const Principal& caller) {
    auto user = co_await use_cases_.current_user(caller);
    if (!user) co_return error_response(user.error());
    co_return json_response(200, to_json(*user));
  }

 private:
  // A 429 response when the bucket is exhausted, nothing otherwise.
  awaitable<std::optional<Response>> limit(std::string bucket, int per_minute,
                                           std::string_view what) {
    auto decision = co_await limiter_.acquire(std::move(bucket), per_minute);
    if (decision.allowed) co_return std::nullopt;
    co_return too_many_requests(decision, what);
  }

  AuthUseCases use_cases_;
  RateLimiter& limiter_;
  SignInLimits limits_;
};

}  // namespace

void add_auth_routes(Router& router, const AuthGuard& guard, AuthUseCases use_cases,
                     RateLimiter& limiter, SignInLimits limits) {
  auto routes = std::make_shared<AuthRoutes>(use_cases, limiter, std::move(limits));
  router.add("POST", "/v1/auth/register",
             [routes](Request& r) { return routes->register_user(r); });
  router.add("POST", "/v1/auth/login", [routes](Request& r) { return routes->login(r); });
  router.add("POST", "/v1/auth/refresh", [routes](Request& r) { return routes->refresh(r); });
  router.add("POST", "/v1/auth/logout", [routes](Request& r) { return routes->logout(r); });
  router.add("GET", "/v1/users/me",
             guard.protect([routes](Request& r, const Principal& p) { return routes->me(r, p); }));
}

}  // namespace agentd::http
