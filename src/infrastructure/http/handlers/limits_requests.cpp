#include "infrastructure/http/handlers/limits_requests.h"

#include "infrastructure/http/dto/limits_dto.h"
#include "infrastructure/http/json_body.h"
#include "infrastructure/http/json_fields.h"

namespace agentd::http {

Result<LimitsChange> parse_limits_patch(const Request& request) {
  auto body = parse_json_body(request);
  if (!body) return std::move(body).take_error();
  auto object = require_object(*body);
  if (!object) return std::move(object).take_error();
  return parse_limits_change(**object);
}

boost::asio::awaitable<Status> add_budget_status(boost::json::object& json, BudgetGate& budgets,
                                                 BudgetScope scope, std::string id,
                                                 SpendingLimits limits) {
  if (!limits.budget) co_return ok_status();
  auto status = co_await budgets.status(scope, id, *limits.budget);
  if (!status) co_return std::move(status).take_error();
  write_budget_status(json, *status);
  co_return ok_status();
}

}  // namespace agentd::http
