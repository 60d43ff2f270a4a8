#include "infrastructure/http/handlers/chat_handlers.h"

#include <boost/json.hpp>

#include "infrastructure/http/dto/chat_dto.h"
#include "infrastructure/http/error_response.h"
#include "infrastructure/http/json_body.h"
#include "infrastructure/http/pagination.h"

namespace agentd::http {
namespace {

using boost::asio::awaitable;

std::string sse_data(const boost::json::value& value) {
  return "data: " + boost::json::serialize(value) + "\n\n";
}

class ChatRoutes {
 public:
  ChatRoutes(const ModelCatalog& catalog, ModelRouter& models, IdGenerator& ids, const Clock& clock)
      : catalog_(catalog), models_(models), ids_(ids), clock_(clock),
        started_at_(std::chrono::duration_cast<std::chrono::seconds>(
                        clock.now().time_since_epoch()).count()) {}

  awaitable<Response> completions(Request& request, const Principal& caller) {
    auto body = parse_json_body(request);
    if (!body) co_return error_response(body.error());
    auto parsed = parse_chat_completions_request(*body);
    if (!parsed) co_return error_response(parsed.error());
    if (parsed->agent) {
      co_return error_response(Error::invalid("agent mode is not available on this server",
                                              "agent", "agent_unavailable"));
    }
    const auto id = "chatcmpl-" + ids_.new_id();
    const auto created = now_seconds();
    if (!parsed->stream) {
      auto completion = co_await models_.complete(caller, std::move(parsed->chat));
      if (!completion) co_return error_response(completion.error());
      co_return json_response(200, completion_json(id, created, *completion));
    }
    // Opened before answering, so a failure to start is still an ordinary HTTP error.
    auto routed = co_await models_.stream(caller, std::move(parsed->chat));
    if (!routed) co_return error_response(routed.error());
    auto stream = std::make_shared<RoutedStream>(std::move(*routed));
    const bool include_usage = parsed->include_usage;
    co_return Response::event_stream(
        [stream, id, created, include_usage](BodyWriter& out) -> awaitable<void> {
          Usage usage;
          bool first = true;
          for (;;) {
            auto delta = co_await stream->stream->next();
            if (!delta) {
              // The stream already started: the error travels as a last event.
              co_await out.write(sse_data(error_json(delta.error())));
              break;
            }
            if (!*delta) break;
            if ((*delta)->usage) usage = *(*delta)->usage;
            if (!(*delta)->content.empty() || !(*delta)->tool_calls.empty() ||
                (*delta)->finish_reason || first) {
              co_await out.write(sse_data(chunk_json(id, created, stream->model, **delta, first)));
              first = false;
            }
          }
          if (include_usage) co_await out.write(sse_data(usage_chunk_json(id, created, stream->model, usage)));
          co_await out.write("data: [DONE]\n\n");
        });
  }

  awaitable<Response> list_models(const Principal& caller) {
    boost::json::array data;
    for (const auto* route : catalog_.list_for(caller)) {
      data.push_back({{"id", route->name},
                      {"object", "model"},
                      {"created", started_at_},
                      {"owned_by", route->owned_by}});
    }
    co_return list_response(std::move(data), false);
  }

 private:
  std::int64_t now_seconds() const {
    return std::chrono::duration_cast<std::chrono::seconds>(clock_.now().time_since_epoch()).count();
  }

  const ModelCatalog& catalog_;
  ModelRouter& models_;
  IdGenerator& ids_;
  const Clock& clock_;
  std::int64_t started_at_;
};

}  // namespace

void add_chat_routes(Router& router, const AuthGuard& guard, const ModelCatalog& catalog,
                     ModelRouter& models, IdGenerator& ids, const Clock& clock) {
  auto routes = std::make_shared<ChatRoutes>(catalog, models, ids, clock);
  router.add("POST", "/v1/chat/completions", guard.protect([routes](Request& r, const Principal& p) {
    return routes->completions(r, p);
  }));
  router.add("GET", "/v1/models", guard.protect([routes](Request&, const Principal& p) {
    return routes->list_models(p);
  }));
}

}  // namespace agentd::http
