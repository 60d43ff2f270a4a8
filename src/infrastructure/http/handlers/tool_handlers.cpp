#include "infrastructure/http/handlers/tool_handlers.h"

#include <boost/json.hpp>

#include "infrastructure/http/dto/tool_dto.h"
#include "infrastructure/http/error_response.h"
#include "infrastructure/http/json_body.h"
#include "infrastructure/http/pagination.h"

namespace agentd::http {
namespace {

using boost::asio::awaitable;

awaitable<Response> list_tools(const ToolRegistry& registry, Request& request,
                               const Principal& caller) {
  auto page_request = parse_page_request(request);
  if (!page_request) co_return error_response(page_request.error());
  auto page = registry.page_for(caller, page_request->limit, page_request->after);
  if (!page) co_return error_response(page.error());
  co_return page_response(*page,
                          [&](const auto& entry) { return to_json(entry.tool->spec(), caller); });
}

awaitable<Response> execute_one(ExecuteTool& execute, Request& request, const Principal& caller) {
  auto body = parse_json_body(request);
  if (!body) co_return error_response(body.error());
  auto call = parse_tool_call(*body, "");
  if (!call) co_return error_response(call.error());
  auto result = co_await execute.run(caller, std::move(*call));
  if (result.error) co_return error_response(*result.error);
  co_return json_response(200, to_json(result));
}

awaitable<Response> execute_batch(ExecuteTool& execute, Request& request, const Principal& caller) {
  auto body = parse_json_body(request);
  if (!body) co_return error_response(body.error());
  const boost::json::array* items = body->if_array();
  if (items == nullptr && body->is_object()) {
    if (const auto* calls = body->get_object().if_contains("calls")) items = calls->if_array();
  }
  if (items == nullptr) {
    co_return error_response(Error::invalid(
        "body must be an array of tool calls or {\"calls\":[…]}", "calls", "invalid_batch"));
  }
  if (items->size() > ExecuteTool::kMaxBatchCalls) {
    co_return error_response(
        {ErrorCode::payload_too_large,
         "a batch holds at most 32 calls, got " + std::to_string(items->size()), "calls",
         "batch_too_large"});
  }
  // A malformed item fails alone: the others run, and its result keeps its place.
  std::vector<ToolResult> results(items->size());
  std::vector<ToolCall> calls;
  std::vector<std::size_t> positions;  // of each call in `calls` among the items
  for (std::size_t i = 0; i < items->size(); ++i) {
    auto call = parse_tool_call((*items)[i], "calls[" + std::to_string(i) + "]");
    if (!call) {
      results[i] = malformed_call_result((*items)[i], std::move(call).take_error());
      continue;
    }
    calls.push_back(std::move(*call));
    positions.push_back(i);
  }
  auto ran = co_await execute.run_batch(caller, std::move(calls));
  for (std::size_t j = 0; j < ran.size(); ++j) results[positions[j]] = std::move(ran[j]);
  boost::json::array data;
  for (const auto& result : results) data.emplace_back(to_json(result));
  co_return json_response(200, boost::json::object{{"results", std::move(data)}});
}

}  // namespace

void add_tool_routes(Router& router, const AuthGuard& guard, const ToolRegistry& registry,
                     ExecuteTool& execute) {
  router.add("GET", "/v1/tools", guard.protect([&registry](Request& r, const Principal& p) {
    return list_tools(registry, r, p);
  }));
  router.add("POST", "/v1/tools/execute", guard.protect([&execute](Request& r, const Principal& p) {
    return execute_one(execute, r, p);
  }));
  router.add("POST", "/v1/tools/batch", guard.protect([&execute](Request& r, const Principal& p) {
    return execute_batch(execute, r, p);
  }));
}

}  // namespace agentd::http
