#include "infrastructure/http/handlers/api_key_handlers.h"

#include <algorithm>
#include <boost/json.hpp>
#include <limits>

#include "infrastructure/http/dto/identity_dto.h"
#include "infrastructure/http/dto/limits_dto.h"
#include "infrastructure/http/error_response.h"
#include "infrastructure/http/handlers/limits_requests.h"
#include "infrastructure/http/json_body.h"
#include "infrastructure/http/json_fields.h"
#include "infrastructure/http/pagination.h"
#include "infrastructure/text/rfc3339.h"

namespace agentd::http {
namespace {

using boost::asio::awaitable;

Result<NewApiKey> parse_new_key(const Request& request) {
  auto body = parse_json_body(request);
  if (!body) return std::move(body).take_error();
  auto object = require_object(*body);
  if (!object) return std::move(object).take_error();
  const auto& fields = **object;

  NewApiKey key;
  auto name = required_string(fields, "name");
  if (!name) return std::move(name).take_error();
  key.name = std::move(*name);
  auto tools = optional_string_list(fields, "allowed_tools");
  if (!tools) return std::move(tools).take_error();
  key.allowed_tools = std::move(*tools);
  auto models = optional_string_list(fields, "allowed_models");
  if (!models) return std::move(models).take_error();
  key.allowed_models = std::move(*models);
  auto approval = optional_string_list(fields, "approval_required_tools");
  if (!approval) return std::move(approval).take_error();
  key.approval_required_tools = approval->value_or(std::vector<std::string>{});
  auto can_approve = optional_bool(fields, "can_approve");
  if (!can_approve) return std::move(can_approve).take_error();
  key.can_approve = can_approve->value_or(false);
  auto expires = optional_string(fields, "expires_at");
  if (!expires) return std::move(expires).take_error();
  if (*expires) {
    key.expires_at = parse_rfc3339(**expires);
    if (!key.expires_at) {
      return Error::invalid("expires_at must be an RFC 3339 time", "expires_at", "invalid_time");
    }
  }
  auto limit = optional_integer(fields, "rate_limit_per_minute");
  if (!limit) return std::move(limit).take_error();
  if (*limit) {
    // Out-of-range values stay out of range after clamping; the use case rejects them.
    key.rate_limit_per_minute =
        static_cast<int>(std::clamp<std::int64_t>(**limit, 0, std::numeric_limits<int>::max()));
  }
  auto limits = parse_limits_fields(fields);
  if (!limits) return std::move(limits).take_error();
  if (limits->budget) key.limits.budget = *limits->budget;
  if (limits->tokens_per_minute) key.limits.tokens_per_minute = *limits->tokens_per_minute;
  return key;
}

awaitable<Response> create_key(ManageApiKeys& keys, Request& request, const Principal& caller) {
  auto new_key = parse_new_key(request);
  if (!new_key) co_return error_response(new_key.error());
  auto created = co_await keys.create(caller, std::move(*new_key));
  if (!created) co_return error_response(created.error());
  auto json = to_json(created->key);
  json["key"] = created->secret;
  co_return json_response(201, json);
}

awaitable<Response> list_keys(ManageApiKeys& keys, Request& request, const Principal& caller) {
  auto page_request = parse_page_request(request);
  if (!page_request) co_return error_response(page_request.error());
  auto page = co_await keys.list(caller, page_request->limit, page_request->after);
  if (!page) co_return error_response(page.error());
  co_return page_response(*page, [](const auto& key) { return to_json(key); });
}

// The key with, when it has a budget, what it spent and has left in the current period.
awaitable<Response> get_key(ManageApiKeys& keys, BudgetGate& budgets, Request& request,
                            const Principal& caller) {
  auto key = co_await keys.find(caller, std::string(request.path_param("id")));
  if (!key) co_return error_response(key.error());
  auto json = to_json(*key);
  auto added = co_await add_budget_status(json, budgets, BudgetScope::key, key->id, key->limits);
  if (!added) co_return error_response(added.error());
  co_return json_response(200, json);
}

awaitable<Response> patch_key(ManageApiKeys& keys, Request& request, const Principal& caller) {
  auto change = parse_limits_patch(request);
  if (!change) co_return error_response(change.error());
  auto changed = co_await keys.change_limits(caller, std::string(request.path_param("id")),
                                             std::move(*change));
  if (!changed) co_return error_response(changed.error());
  co_return json_response(200, to_json(*changed));
}

awaitable<Response> revoke_key(ManageApiKeys& keys, Request& request, const Principal& caller) {
  auto status = co_await keys.revoke(caller, std::string(request.path_param("id")));
  if (!status) co_return error_response(status.error());
  co_return Response::no_content();
}

}  // namespace

void add_api_key_routes(Router& router, const AuthGuard& guard, ManageApiKeys& keys,
                        BudgetGate& budgets) {
  router.add("POST", "/v1/auth/tokens", guard.protect([&keys](Request& r, const Principal& p) {
    return create_key(keys, r, p);
  }));
  router.add("GET", "/v1/auth/tokens", guard.protect([&keys](Request& r, const Principal& p) {
    return list_keys(keys, r, p);
  }));
  router.add("GET", "/v1/auth/tokens/{id}",
             guard.protect([&keys, &budgets](Request& r, const Principal& p) {
               return get_key(keys, budgets, r, p);
             }));
  router.add(
      "PATCH", "/v1/auth/tokens/{id}",
      guard.protect([&keys](Request& r, const Principal& p) { return patch_key(keys, r, p); }));
  router.add(
      "DELETE", "/v1/auth/tokens/{id}",
      guard.protect([&keys](Request& r, const Principal& p) { return revoke_key(keys, r, p); }));
}

}  // namespace agentd::http
