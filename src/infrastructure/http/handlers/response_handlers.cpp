#include "infrastructure/http/handlers/response_handlers.h"

#include <boost/json.hpp>
#include <charconv>

#include "application/ports/page.h"
#include "infrastructure/http/dto/conversation_dto.h"
#include "infrastructure/http/dto/response_dto.h"
#include "infrastructure/http/dto/response_events.h"
#include "infrastructure/http/error_response.h"
#include "infrastructure/http/handlers/run_stream.h"
#include "infrastructure/http/json_body.h"

namespace agentd::http {
namespace {

namespace json = boost::json;
using boost::asio::awaitable;

constexpr int kDefaultItems = 20;
constexpr int kMaxItems = 100;
// The Open Responses specification ends a stream with this literal.
constexpr std::string_view kDone = "data: [DONE]\n\n";

std::string sse(const json::object& event) {
  std::string text = "event: ";
  text += event.at("type").as_string();
  text += "\ndata: ";
  text += json::serialize(event);
  text += "\n\n";
  return text;
}

Error response_not_found() { return Error::not_found("response not found", "response_not_found"); }

Result<std::int64_t> query_integer(const Request& request, std::string_view name,
                                   std::int64_t fallback) {
  auto text = request.query_param(name);
  if (!text || text->empty()) return fallback;
  std::int64_t value = 0;
  auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
  if (ec != std::errc{} || end != text->data() + text->size() || value < 0) {
    return Error::invalid(std::string(name) + " must be a whole number", std::string(name));
  }
  return value;
}

// Where a response's run events come from while they are still there.
struct EventSource {
  std::shared_ptr<LiveRun> live;  // this process runs (or ran) the part
  RunEventFeed* feed = nullptr;   // else the replicas' shared feed
};

class ResponseRoutes {
 public:
  ResponseRoutes(CreateResponse& create, ManageResponses& manage, LiveRuns& live_runs,
                 RunEventFeed* feed)
      : create_(create), manage_(manage), live_runs_(live_runs), feed_(feed) {}

  awaitable<Response> create(Request& request, const Principal& caller) {
    auto body = parse_json_body(request);
    if (!body) co_return error_response(body.error());
    auto parsed = parse_response_request(*body);
    if (!parsed) co_return error_response(parsed.error());
    const bool store = parsed->request.store;
    auto started = co_await create_.start(caller, std::move(parsed->request));
    if (!started) co_return error_response(started.error());
    if (parsed->stream) {
      EventSource source{started->live, nullptr};
      std::optional<StartedResponse> forget;
      if (!store) forget = *started;
      co_return stream(caller, started->response, source, -1, StreamRole::owner, std::move(forget));
    }
    if (started->response.background) {
      ResponseView view{started->response, {}, {}};
      co_return json_response(200, to_json(view, ResponseStatus::in_progress));
    }
    auto result = co_await ConversationRuns::wait(*started->live);
    if (!result) co_return error_response(result.error());
    auto view = co_await manage_.get(caller, started->response.id);
    if (!view) co_return error_response(view.error());
    auto json = to_json(*view);
    if (!store) co_await create_.forget(caller, *started);
    co_return json_response(200, json);
  }

  awaitable<Response> get(Request& request, const Principal& caller) {
    auto id = response_store_id(request.path_param("id"));
    if (!id) co_return error_response(response_not_found());
    const auto stream_text = request.query_param("stream");
    if (!stream_text || *stream_text != "true") {
      auto view = co_await manage_.get(caller, *id);
      if (!view) co_return error_response(view.error());
      co_return json_response(200, to_json(*view));
    }
    auto after = query_integer(request, "starting_after", 0);
    if (!after) co_return error_response(after.error());
    const std::int64_t starting_after = request.query_param("starting_after") ? *after : -1;
    auto response = co_await manage_.find(caller, *id);
    if (!response) co_return error_response(response.error());
    // The run's events, while they are kept, give the same stream with the same numbers.
    EventSource source;
    auto live = live_runs_.find(response->run_id);
    // A later part of the same run has a log of its own, without this part's events.
    if (live && !live->abandoned() && live->resumed_after() <= response->events_after) {
      source.live = std::move(live);
    } else if (feed_ != nullptr) {
      auto last = co_await feed_->last_id(response->run_id);
      if (!is_final(response->status) || (last && *last > response->events_after)) {
        source.feed = feed_;
      }
    }
    co_return stream(caller, std::move(*response), source, starting_after, StreamRole::follower);
  }

  awaitable<Response> remove(Request& request, const Principal& caller) {
    auto id = response_store_id(request.path_param("id"));
    if (!id) co_return error_response(response_not_found());
    auto removed = co_await manage_.remove(caller, *id);
    if (!removed) co_return error_response(removed.error());
    co_return json_response(
        200, json::object{
                 {"id", response_wire_id(*id)}, {"object", "response.deleted"}, {"deleted", true}});
  }

  awaitable<Response> cancel(Request& request, const Principal& caller) {
    auto id = response_store_id(request.path_param("id"));
    if (!id) co_return error_response(response_not_found());
    auto view = co_await manage_.cancel(caller, *id);
    if (!view) co_return error_response(view.error());
    co_return json_response(200, to_json(*view));
  }

  awaitable<Response> input_items(Request& request, const Principal& caller) {
    auto id = response_store_id(request.path_param("id"));
    if (!id) co_return error_response(response_not_found());
    auto limit = query_integer(request, "limit", kDefaultItems);
    if (!limit) co_return error_response(limit.error());
    if (*limit < 1 || *limit > kMaxItems) {
      co_return error_response(Error::invalid("limit must be from 1 to 100", "limit"));
    }
    const auto order = request.query_param("order").value_or("desc");
    if (order != "asc" && order != "desc") {
      co_return error_response(Error::invalid("order must be asc or desc", "order"));
    }
    auto response = co_await manage_.find(caller, *id);
    if (!response) co_return error_response(response.error());
    auto stored = input_items_json(*response);
    std::vector<json::value> items(stored.begin(), stored.end());
    if (order == "desc") std::reverse(items.begin(), items.end());
    std::optional<std::string> after;
    if (auto text = request.query_param("after"); text && !text->empty())
      after = std::string(*text);
    auto page = page_after(std::move(items), static_cast<int>(*limit), after,
                           [](const json::value& item) { return item.at("id").as_string(); });
    if (!page) co_return error_response(page.error());
    json::array data(page->items.begin(), page->items.end());
    json::object list{{"object", "list"},
                      {"data", data},
                      {"first_id", data.empty() ? json::value(nullptr) : data.front().at("id")},
                      {"last_id", data.empty() ? json::value(nullptr) : data.back().at("id")},
                      {"has_more", page->has_more}};
    co_return json_response(200, list);
  }

 private:
  // The response's stream from sequence number `starting_after` on (-1: all of it). With no
  // source, its run's events are gone: the stream tells the stored items instead.
  // `forget`: a response asked with store=false, forgotten once its stream has ended.
  Response stream(const Principal& caller, StoredResponse response, EventSource source,
                  std::int64_t starting_after, StreamRole role,
                  std::optional<StartedResponse> forget = std::nullopt) {
    auto self = this;
    return Response::event_stream([self, caller, response = std::move(response), source,
                                   starting_after, role,
                                   forget = std::move(forget)](BodyWriter& out) -> awaitable<void> {
      ResponseEventWriter writer(response.id, client_tool_names(response));
      std::string pending;
      auto queue = [&](std::vector<json::object> events) {
        for (const auto& event : events) {
          if (event.at("sequence_number").as_int64() > starting_after) pending += sse(event);
        }
      };
      const ResponseView begun{response, {}, {}};
      queue(writer.start(to_json(begun, ResponseStatus::in_progress)));
      if (source.live == nullptr && source.feed == nullptr) {
        co_await self->replay_stored(caller, response.id, writer, queue);
        pending += kDone;
        co_await out.write(pending);
        co_return;
      }
      std::optional<CancelRunUnlessDone> guard;
      if (source.live) guard.emplace(source.live, role);
      std::int64_t seen = response.events_after;
      for (;;) {
        std::vector<FeedEvent> events;
        if (source.live) {
          for (const auto& numbered : co_await source.live->events().read_after(seen)) {
            events.push_back(feed_event(numbered));
          }
          if (events.empty()) break;  // ended, and everything was sent
        } else {
          auto read =
              co_await source.feed->read_after(response.run_id, seen, std::chrono::seconds(15));
          if (!read) {
            pending += "event: error\ndata: " + json::serialize(error_json(read.error())) + "\n\n";
            break;
          }
          if (read->empty()) {
            pending += ": keep-alive\n\n";
          }
          events = std::move(*read);
        }
        for (const auto& event : events) {
          seen = event.id;
          if (event.name == "run.started") continue;
          if (event.last) {
            co_await self->finish_stream(caller, response.id, event.name, writer, queue);
            pending += kDone;
            if (guard) guard->done();
            if (forget) co_await self->create_.forget(caller, *forget);
            co_await out.write(pending);
            co_return;
          }
          boost::system::error_code ec;
          auto data = json::parse(event.data, ec);
          if (!ec) queue(writer.on_run_event(event.name, data));
        }
        if (!pending.empty()) {
          co_await out.write(pending);
          pending.clear();
        }
      }
      co_await out.write(pending);
      if (guard) guard->done();
    });
  }

  template <typename Queue>
  awaitable<void> finish_stream(const Principal& caller, const std::string& id,
                                const std::string& terminal, ResponseEventWriter& writer,
                                Queue& queue) {
    auto view = co_await manage_.get(caller, id);
    if (!view) {
      ResponseView gone{};
      gone.response.id = id;
      gone.response.status = ResponseStatus::failed;
      queue(writer.finish(to_json(gone), ResponseStatus::failed));
      co_return;
    }
    auto status = view->response.status;
    // Not recorded (the store failed as the run ended): the run's own end says.
    if (!is_final(status)) {
      status = terminal == "error" ? ResponseStatus::failed : ResponseStatus::completed;
    }
    queue(writer.finish(to_json(*view, status), status));
  }

  template <typename Queue>
  awaitable<void> replay_stored(const Principal& caller, const std::string& id,
                                ResponseEventWriter& writer, Queue& queue) {
    auto view = co_await manage_.get(caller, id);
    if (!view) co_return;
    auto object = to_json(*view);
    const auto& items = object.at("output").as_array();
    for (const auto& item : items) queue(writer.replayed_item(item.as_object()));
    const auto status =
        is_final(view->response.status) ? view->response.status : ResponseStatus::in_progress;
    if (is_final(status)) queue(writer.finish(object, status));
  }

  CreateResponse& create_;
  ManageResponses& manage_;
  LiveRuns& live_runs_;
  RunEventFeed* feed_;
};

}  // namespace

void add_response_routes(Router& router, const AuthGuard& guard, CreateResponse& create,
                         ManageResponses& manage, LiveRuns& live_runs, RunEventFeed* feed) {
  auto routes = std::make_shared<ResponseRoutes>(create, manage, live_runs, feed);
  router.add("POST", "/v1/responses", guard.protect([routes](Request& r, const Principal& p) {
    return routes->create(r, p);
  }));
  router.add("GET", "/v1/responses/{id}",
             guard.protect([routes](Request& r, const Principal& p) { return routes->get(r, p); }));
  router.add(
      "DELETE", "/v1/responses/{id}",
      guard.protect([routes](Request& r, const Principal& p) { return routes->remove(r, p); }));
  router.add("GET", "/v1/responses/{id}/input_items",
             guard.protect(
                 [routes](Request& r, const Principal& p) { return routes->input_items(r, p); }));
  router.add(
      "POST", "/v1/responses/{id}/cancel",
      guard.protect([routes](Request& r, const Principal& p) { return routes->cancel(r, p); }));
}

}  // namespace agentd::http
