#include "infrastructure/http/dto/identity_dto.h"

#include <boost/json.hpp>
#include <string>

#include "infrastructure/http/dto/limits_dto.h"
#include "infrastructure/http/dto/time_json.h"
#include "infrastructure/text/rfc3339.h"

namespace agentd::http {
namespace {

boost::json::value names_or_null(const NameAllowList& list) {
  if (!list) return nullptr;
  boost::json::array names;
  for (const auto& name : *list) names.emplace_back(name);
  return names;
}

}  // namespace

boost::json::object to_json(const User& user) {
  return {{"id", user.id},
          {"email", user.email},
          {"name", user.name},
          {"role", to_string(user.role)},
          {"created_at", format_rfc3339_seconds(user.created_at)}};
}

boost::json::object to_json(const ApiKey& key) {
  boost::json::array approval;
  for (const auto& name : key.approval_required_tools) approval.emplace_back(name);
  boost::json::object json{{"id", key.id},
                           {"object", "api_key"},
                           {"name", key.name},
                           {"prefix", key.prefix},
                           {"allowed_tools", names_or_null(key.allowed_tools)},
                           {"allowed_models", names_or_null(key.allowed_models)},
                           {"approval_required_tools", std::move(approval)},
                           {"can_approve", key.can_approve},
                           {"expires_at", time_or_null(key.expires_at)},
                           {"created_at", format_rfc3339_seconds(key.created_at)},
                           {"last_used_at", time_or_null(key.last_used_at)}};
  json["rate_limit_per_minute"] = key.rate_limit_per_minute
                                      ? boost::json::value(*key.rate_limit_per_minute)
                                      : boost::json::value(nullptr);
  json["revoked_at"] = time_or_null(key.revoked_at);
  write_limits(json, key.limits);
  return json;
}

boost::json::object to_account_json(const User& user) {
  auto json = to_json(user);
  json["object"] = "user";
  json["disabled_at"] = time_or_null(user.disabled_at);
  write_limits(json, user.limits);
  return json;
}

boost::json::object to_json(const TokenPair& tokens) {
  return {{"access_token", tokens.access_token},
          {"refresh_token", tokens.refresh_token},
          {"token_type", "Bearer"},
          {"expires_in", tokens.expires_in},
          {"user", to_json(tokens.user)}};
}

}  // namespace agentd::http
