#include "infrastructure/http/handlers/user_handlers.h"

#include <boost/json.hpp>

#include "infrastructure/http/dto/identity_dto.h"
#include "infrastructure/http/error_response.h"
#include "infrastructure/http/handlers/limits_requests.h"
#include "infrastructure/http/pagination.h"

namespace agentd::http {
namespace {

using boost::asio::awaitable;

awaitable<Response> list_users(ManageUsers& users, Request& request, const Principal& caller) {
  auto page_request = parse_page_request(request);
  if (!page_request) co_return error_response(page_request.error());
  auto page = co_await users.list_for(caller, page_request->limit, page_request->after);
  if (!page) co_return error_response(page.error());
  co_return page_response(*page, [](const auto& user) { return to_account_json(user); });
}

// The account with, when it has a budget, what it spent and has left in the current period:
// every call of the user counts, through any of their credentials.
awaitable<Response> get_user(ManageUsers& users, BudgetGate& budgets, Request& request,
                             const Principal& caller) {
  auto user = co_await users.find_for(caller, std::string(request.path_param("id")));
  if (!user) co_return error_response(user.error());
  auto json = to_account_json(*user);
  auto added = co_await add_budget_status(json, budgets, BudgetScope::user, user->id, user->limits);
  if (!added) co_return error_response(added.error());
  co_return json_response(200, json);
}

awaitable<Response> patch_user(ManageUsers& users, Request& request, const Principal& caller) {
  auto change = parse_limits_patch(request);
  if (!change) co_return error_response(change.error());
  auto changed = co_await users.change_limits_for(caller, std::string(request.path_param("id")),
                                                  std::move(*change));
  if (!changed) co_return error_response(changed.error());
  co_return json_response(200, to_account_json(*changed));
}

}  // namespace

void add_user_routes(Router& router, const AuthGuard& guard, ManageUsers& users,
                     BudgetGate& budgets) {
  router.add("GET", "/v1/users", guard.protect([&users](Request& r, const Principal& p) {
    return list_users(users, r, p);
  }));
  router.add("GET", "/v1/users/{id}",
             guard.protect([&users, &budgets](Request& r, const Principal& p) {
               return get_user(users, budgets, r, p);
             }));
  router.add("PATCH", "/v1/users/{id}", guard.protect([&users](Request& r, const Principal& p) {
    return patch_user(users, r, p);
  }));
}

}  // namespace agentd::http
