#include "infrastructure/http/dto/identity_dto.h"

#include <boost/json.hpp>
#include <cmath>
#include <string>

#include "domain/usage/model_price.h"
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
  json["budget"] = key.limits.budget ? boost::json::value(to_json(*key.limits.budget))
                                     : boost::json::value(nullptr);
  json["tokens_per_minute"] = key.limits.tokens_per_minute
                                  ? boost::json::value(*key.limits.tokens_per_minute)
                                  : boost::json::value(nullptr);
  return json;
}

boost::json::object to_json(const Budget& budget) {
  boost::json::object json{{"period", to_string(budget.period)}};
  json["max_tokens"] =
      budget.max_tokens ? boost::json::value(*budget.max_tokens) : boost::json::value(nullptr);
  json["max_cost_usd"] =
      budget.max_cost_nanos
          ? boost::json::value(static_cast<double>(*budget.max_cost_nanos) / kNanosPerUsd)
          : boost::json::value(nullptr);
  return json;
}

Result<std::optional<Budget>> parse_budget(const boost::json::value& value) {
  if (value.is_null()) return std::optional<Budget>();
  const auto invalid = [](std::string message) {
    return Error::invalid(std::move(message), "budget", "invalid_budget");
  };
  const auto* fields = value.if_object();
  if (fields == nullptr) return invalid("budget must be an object or null");
  for (const auto& [name, field] : *fields) {
    if (name != "max_tokens" && name != "max_cost_usd" && name != "period") {
      return invalid("budget has an unknown field '" + std::string(name) + "'");
    }
  }
  Budget budget;
  if (const auto* period = fields->if_contains("period")) {
    const auto parsed = period->is_string() ? parse_budget_period(period->get_string())
                                            : std::optional<BudgetPeriod>();
    if (!parsed) return invalid("budget.period must be day, week, month or total");
    budget.period = *parsed;
  } else {
    return invalid("budget.period is required (day, week, month or total)");
  }
  if (const auto* tokens = fields->if_contains("max_tokens"); tokens && !tokens->is_null()) {
    if (!tokens->is_int64() || tokens->get_int64() < 0) {
      return invalid("budget.max_tokens must be a whole number of tokens, at least 0");
    }
    budget.max_tokens = tokens->get_int64();
  }
  if (const auto* cost = fields->if_contains("max_cost_usd"); cost && !cost->is_null()) {
    const bool is_number = cost->is_double() || cost->is_int64() || cost->is_uint64();
    const double usd = is_number ? cost->to_number<double>() : -1;
    if (!(usd >= 0) || usd > 1e9) return invalid("budget.max_cost_usd must be from 0 to 1e9");
    budget.max_cost_nanos = std::llround(usd * kNanosPerUsd);
  }
  return std::optional<Budget>(budget);
}

boost::json::object to_json(const TokenPair& tokens) {
  return {{"access_token", tokens.access_token},
          {"refresh_token", tokens.refresh_token},
          {"token_type", "Bearer"},
          {"expires_in", tokens.expires_in},
          {"user", to_json(tokens.user)}};
}

}  // namespace agentd::http
