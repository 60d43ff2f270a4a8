#include "application/usage/usage_report.h"

namespace agentd {
namespace {

UsageGroup totals_of(const std::vector<UsageGroup>& groups) {
  UsageGroup totals;
  for (const auto& group : groups) {
    totals.requests += group.requests;
    totals.input_tokens += group.input_tokens;
    totals.output_tokens += group.output_tokens;
    totals.cached_tokens += group.cached_tokens;
    if (group.cost_nanos) totals.cost_nanos = totals.cost_nanos.value_or(0) + *group.cost_nanos;
  }
  return totals;
}

}  // namespace

boost::asio::awaitable<Result<UsageSummary>> UsageReport::summarize(const Principal& caller,
                                                                    UsageQuery query) {
  if (query.from && query.to && *query.to < *query.from) {
    co_return Error::invalid("to is before from", "to", "invalid_range");
  }
  UsageFilter filter{caller.user_id, query.from, query.to};
  if (query.user_id && *query.user_id != caller.user_id) {
    if (caller.role != Role::admin) {
      co_return Error{ErrorCode::forbidden, "only an administrator may read another user's usage",
                      "user_id", "not_admin"};
    }
    auto user = co_await users_.find_by_id(*query.user_id);
    if (!user) co_return std::move(user).take_error();
  }
  // An administrator without a user_id sees everyone's usage.
  if (caller.role == Role::admin) filter.user_id = query.user_id;

  auto groups = co_await usage_.summarize(filter, query.group_by);
  if (!groups) co_return std::move(groups).take_error();
  UsageSummary summary;
  summary.group_by = query.group_by;
  summary.totals = totals_of(*groups);
  auto page = page_after(std::move(*groups), query.limit, query.after,
                         [](const UsageGroup& group) { return group.key; });
  if (!page) co_return std::move(page).take_error();
  summary.page = std::move(*page);
  co_return summary;
}

}  // namespace agentd
