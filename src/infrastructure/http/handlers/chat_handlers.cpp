#include "infrastructure/http/handlers/chat_handlers.h"

#include <boost/json.hpp>

#include "infrastructure/http/dto/chat_dto.h"
#include "infrastructure/http/error_response.h"
#include "infrastructure/http/handlers/run_stream.h"
#include "infrastructure/http/json_body.h"
#include "infrastructure/http/pagination.h"

namespace agentd::http {
namespace {

using boost::asio::awaitable;

// The request as the gateway needs it. The JSON document and the raw body go before the
// upstream call: a large prompt is not held three times over while the coroutine waits.
// (No arena for the document: the request keeps some of its values, which would point
// into it.)
Result<ChatCompletionsRequest> read_chat_request(Request& request) {
  auto body = parse_json_body(request);
  std::string().swap(request.body);
  if (!body) return body.error();
  return parse_chat_completions_request(*body);
}

std::string sse_data(const boost::json::value& value) {
  return "data: " + boost::json::serialize(value) + "\n\n";
}

class ChatRoutes {
 public:
  ChatRoutes(const ModelCatalog& catalog, ModelRouter& models, AgentCompletion& agent,
             IdGenerator& ids, const Clock& clock)
      : catalog_(catalog),
        models_(models),
        agent_(agent),
        ids_(ids),
        clock_(clock),
        started_at_(std::chrono::duration_cast<std::chrono::seconds>(clock.now().time_since_epoch())
                        .count()) {}

  awaitable<Response> completions(Request& request, const Principal& caller) {
    auto parsed = read_chat_request(request);
    if (!parsed) co_return error_response(parsed.error());
    const auto id = "chatcmpl-" + ids_.new_id();
    const auto created = now_seconds();
    if (parsed->agent) co_return co_await agent_completion(caller, std::move(*parsed), id, created);
    // What the upstream took, for the server's measure of its own overhead.
    auto& upstream_wait = request.upstream_wait.emplace();
    const auto asked = clock_.steady_now();
    if (!parsed->stream) {
      auto completion = co_await models_.complete(caller, std::move(parsed->chat));
      upstream_wait += clock_.steady_now() - asked;
      if (!completion) co_return error_response(completion.error());
      co_return json_response(200, completion_json(id, created, *completion));
    }
    // Opened before answering, so a failure to start is still an ordinary HTTP error.
    auto routed = co_await models_.stream(caller, std::move(parsed->chat));
    upstream_wait += clock_.steady_now() - asked;
    if (!routed) co_return error_response(routed.error());
    auto stream = std::make_shared<RoutedStream>(std::move(*routed));
    const bool include_usage = parsed->include_usage;
    // The request outlives the stream's body (see Request::upstream_wait).
    auto response =
        Response::event_stream([stream, id, created, include_usage, waited = &upstream_wait,
                                &clock = clock_](BodyWriter& out) -> awaitable<void> {
          Usage usage;
          auto first = FirstChunk::yes;
          // Deltas the upstream delivered together go out in one write: the batch is sent
          // as soon as the next delta would have to wait for the upstream.
          std::string batch;
          for (;;) {
            const auto asked_next = clock.steady_now();
            auto delta = co_await stream->stream->next();
            *waited += clock.steady_now() - asked_next;
            if (!delta) {
              // The stream already started: the error travels as a last event.
              batch += sse_data(error_json(delta.error()));
              break;
            }
            if (!*delta) break;
            if ((*delta)->usage) usage = *(*delta)->usage;
            if (!(*delta)->content.empty() || !(*delta)->tool_calls.empty() ||
                (*delta)->finish_reason || first == FirstChunk::yes) {
              batch += sse_data(chunk_json(id, created, stream->model, **delta, first));
              first = FirstChunk::no;
            }
            if (!batch.empty() && !stream->stream->next_is_ready()) {
              co_await out.write(std::move(batch));
              batch.clear();
            }
          }
          if (include_usage) batch += sse_data(usage_chunk_json(id, created, stream->model, usage));
          batch += "data: [DONE]\n\n";
          co_await out.write_last(std::move(batch));
        });
    // The router read the first delta before answering, so the first piece is in hand.
    response.first_piece_is_ready = true;
    co_return response;
  }

  awaitable<Response> list_models(const Principal& caller) {
    boost::json::array data;
    for (const auto* route : catalog_.list_for(caller)) {
      data.push_back({{"id", route->name},
                      {"object", "model"},
                      {"created", started_at_},
                      {"owned_by", route->owned_by}});
    }
    co_return list_response(std::move(data), HasMore::no);
  }

 private:
  std::int64_t now_seconds() const {
    return std::chrono::duration_cast<std::chrono::seconds>(clock_.now().time_since_epoch())
        .count();
  }

  // Agent mode: the ReAct loop runs server-side; the client sees one ordinary completion
  // (or its chunks), with the usage of every model call summed.
  awaitable<Response> agent_completion(const Principal& caller, ChatCompletionsRequest parsed,
                                       std::string id, std::int64_t created) {
    AgentCompletionRequest request;
    request.model = std::move(parsed.chat.model);
    request.messages = std::move(parsed.chat.messages);
    request.tools = std::move(parsed.agent->tools);
    request.max_steps = parsed.agent->max_steps;
    request.sampling.temperature = parsed.chat.temperature;
    request.sampling.top_p = parsed.chat.top_p;
    request.sampling.max_tokens = parsed.chat.max_tokens;
    request.sampling.seed = parsed.chat.seed;
    request.sampling.user = std::move(parsed.chat.user);
    auto started = co_await agent_.start(caller, std::move(request));
    if (!started) co_return error_response(started.error());
    if (!parsed.stream) {
      CancelRunUnlessDone guard(started->live, StreamRole::owner);
      auto outcome = co_await started->live->outcome();
      guard.done();
      if (auto* failed = std::get_if<RunFailed>(&outcome)) co_return error_response(failed->error);
      const auto& result = std::get<RunCompleted>(outcome).result;
      ChatCompletion completion;
      completion.model = started->model;
      completion.message.role = "assistant";
      if (result.message) completion.message.content = result.message->content;
      completion.finish_reason = "stop";
      completion.usage = result.run.usage;
      co_return json_response(200, completion_json(id, created, completion));
    }
    auto live = started->live;
    auto model = started->model;
    const bool include_usage = parsed.include_usage;
    co_return Response::event_stream(
        [live, model, id, created, include_usage](BodyWriter& out) -> awaitable<void> {
          CancelRunUnlessDone guard(live, StreamRole::owner);
          ChatDelta opening;
          co_await out.write(sse_data(chunk_json(id, created, model, opening, FirstChunk::yes)));
          std::int64_t seen = 0;
          std::optional<Usage> usage;
          for (bool over = false; !over;) {
            auto events = co_await live->events().read_after(seen);
            if (events.empty()) break;
            for (const auto& numbered : events) {
              seen = numbered.id;
              if (const auto* delta = std::get_if<MessageDelta>(&numbered.event)) {
                ChatDelta chunk;
                chunk.content = delta->content;
                co_await out.write(sse_data(chunk_json(id, created, model, chunk, FirstChunk::no)));
              } else if (const auto* completed = std::get_if<RunCompleted>(&numbered.event)) {
                ChatDelta last;
                last.finish_reason = "stop";
                co_await out.write(sse_data(chunk_json(id, created, model, last, FirstChunk::no)));
                usage = completed->result.run.usage;
                over = true;
              } else if (const auto* failed = std::get_if<RunFailed>(&numbered.event)) {
                co_await out.write(sse_data(error_json(failed->error)));
                over = true;
              }
            }
          }
          guard.done();
          if (include_usage && usage) {
            co_await out.write(sse_data(usage_chunk_json(id, created, model, *usage)));
          }
          co_await out.write("data: [DONE]\n\n");
        });
  }

  const ModelCatalog& catalog_;
  ModelRouter& models_;
  AgentCompletion& agent_;
  IdGenerator& ids_;
  const Clock& clock_;
  std::int64_t started_at_;
};

}  // namespace

void add_chat_routes(Router& router, const AuthGuard& guard, const ModelCatalog& catalog,
                     ModelRouter& models, AgentCompletion& agent, IdGenerator& ids,
                     const Clock& clock) {
  auto routes = std::make_shared<ChatRoutes>(catalog, models, agent, ids, clock);
  router.add("POST", "/v1/chat/completions",
             guard.protect(
                 [routes](Request& r, const Principal& p) { return routes->completions(r, p); }));
  router.add("GET", "/v1/models", guard.protect([routes](Request&, const Principal& p) {
    return routes->list_models(p);
  }));
}

}  // namespace agentd::http
