#include "infrastructure/http/handlers/usage_handlers.h"

#include "infrastructure/http/dto/usage_dto.h"
#include "infrastructure/http/error_response.h"
#include "infrastructure/http/json_body.h"
#include "infrastructure/http/pagination.h"

namespace agentd::http {
namespace {

using boost::asio::awaitable;

Result<std::optional<Timestamp>> time_param(const Request& request, std::string_view name,
                                            DayEdge edge) {
  const auto text = request.query_param(name);
  if (!text || text->empty()) return std::optional<Timestamp>{};
  if (auto time = parse_usage_time(*text, edge)) return time;
  return Error::invalid(std::string(name) + " must be an RFC 3339 time or a YYYY-MM-DD day",
                        std::string(name), "invalid_time");
}

Result<UsageQuery> parse_usage_query(const Request& request) {
  UsageQuery query;
  auto page = parse_page_request(request);
  if (!page) return std::move(page).take_error();
  query.limit = page->limit;
  query.after = page->after;
  auto from = time_param(request, "from", DayEdge::start);
  if (!from) return std::move(from).take_error();
  query.from = *from;
  auto to = time_param(request, "to", DayEdge::end);
  if (!to) return std::move(to).take_error();
  query.to = *to;
  if (auto group_by = request.query_param("group_by"); group_by && !group_by->empty()) {
    const auto grouping = parse_usage_grouping(*group_by);
    if (!grouping) {
      return Error::invalid("group_by must be day, model, key or day,key", "group_by",
                            "invalid_group_by");
    }
    query.group_by = *grouping;
  }
  if (auto user_id = request.query_param("user_id"); user_id && !user_id->empty()) {
    query.user_id = *user_id;
  }
  return query;
}

awaitable<Response> get_usage(UsageReport& report, Request& request, const Principal& caller) {
  auto query = parse_usage_query(request);
  if (!query) co_return error_response(query.error());
  auto summary = co_await report.summarize(caller, std::move(*query));
  if (!summary) co_return error_response(summary.error());
  co_return json_response(200, to_json(*summary));
}

}  // namespace

void add_usage_routes(Router& router, const AuthGuard& guard, UsageReport& report) {
  router.add("GET", "/v1/usage", guard.protect([&report](Request& r, const Principal& p) {
    return get_usage(report, r, p);
  }));
}

}  // namespace agentd::http
