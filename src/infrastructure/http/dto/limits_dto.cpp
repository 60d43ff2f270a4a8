#include "infrastructure/http/dto/limits_dto.h"

#include <cmath>
#include <string>

#include "domain/usage/model_price.h"
#include "infrastructure/text/rfc3339.h"

namespace agentd::http {
namespace {

boost::json::value usd_or_null(const std::optional<std::int64_t>& nanos) {
  if (!nanos) return nullptr;
  return static_cast<double>(*nanos) / kNanosPerUsd;
}

boost::json::value count_or_null(const std::optional<std::int64_t>& count) {
  if (!count) return nullptr;
  return *count;
}

}  // namespace

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

void write_limits(boost::json::object& json, const SpendingLimits& limits) {
  json["budget"] =
      limits.budget ? boost::json::value(to_json(*limits.budget)) : boost::json::value(nullptr);
  json["tokens_per_minute"] = count_or_null(limits.tokens_per_minute);
}

Result<LimitsChange> parse_limits_fields(const boost::json::object& fields) {
  LimitsChange change;
  if (const auto* budget = fields.if_contains("budget")) {
    auto parsed = parse_budget(*budget);
    if (!parsed) return std::move(parsed).take_error();
    change.budget = *parsed;
  }
  if (const auto* tokens = fields.if_contains("tokens_per_minute")) {
    if (tokens->is_null()) {
      change.tokens_per_minute = std::optional<std::int64_t>();
    } else if (tokens->is_int64()) {
      change.tokens_per_minute = std::optional<std::int64_t>(tokens->get_int64());
    } else {
      return Error::invalid("tokens_per_minute must be an integer or null", "tokens_per_minute",
                            "invalid_type");
    }
  }
  return change;
}

Result<LimitsChange> parse_limits_change(const boost::json::object& fields) {
  for (const auto& [name, value] : fields) {
    if (name != "budget" && name != "tokens_per_minute") {
      return Error::invalid("only budget and tokens_per_minute can be changed", std::string(name),
                            "unknown_field");
    }
  }
  return parse_limits_fields(fields);
}

void write_budget_status(boost::json::object& json, const BudgetStatus& status) {
  json["spent"] = {{"tokens", status.spent.tokens},
                   {"cost_usd", static_cast<double>(status.spent.cost_nanos) / kNanosPerUsd}};
  json["remaining"] = {{"tokens", count_or_null(status.remaining_tokens)},
                       {"cost_usd", usd_or_null(status.remaining_cost_nanos)}};
  json["resets_at"] = status.resets_at
                          ? boost::json::value(format_rfc3339_seconds(*status.resets_at))
                          : boost::json::value(nullptr);
}

}  // namespace agentd::http
