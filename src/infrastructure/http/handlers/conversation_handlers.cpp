#include "infrastructure/http/handlers/conversation_handlers.h"

#include <boost/json.hpp>
#include <charconv>

#include "infrastructure/http/dto/conversation_dto.h"
#include "infrastructure/http/error_response.h"
#include "infrastructure/http/handlers/run_stream.h"
#include "infrastructure/http/json_body.h"
#include "infrastructure/http/pagination.h"

namespace agentd::http {
namespace {

using boost::asio::awaitable;

class ConversationRoutes {
 public:
  ConversationRoutes(ManageConversations& conversations, ConversationRuns& runs,
                     ManageRuns& manage_runs, LiveRuns& live_runs, RunEventFeed* feed)
      : conversations_(conversations),
        runs_(runs),
        manage_runs_(manage_runs),
        live_runs_(live_runs),
        feed_(feed) {}

  awaitable<Response> create(Request& request, const Principal& caller) {
    auto body = parse_json_body(request);
    if (!body) co_return error_response(body.error());
    auto parsed = parse_create_conversation(*body);
    if (!parsed) co_return error_response(parsed.error());
    if (parsed->message && parsed->message->empty()) {
      co_return error_response(Error::invalid("message must not be empty", "message"));
    }
    auto conversation = co_await conversations_.create(caller, std::move(parsed->conversation));
    if (!conversation) co_return error_response(conversation.error());
    if (!parsed->message) co_return json_response(201, to_json(*conversation));

    TurnRequest turn;
    turn.conversation_id = conversation->id;
    turn.message = std::move(*parsed->message);
    auto live = co_await runs_.start(caller, std::move(turn));
    if (!live) co_return error_response(live.error());
    auto result = co_await ConversationRuns::wait(**live);
    if (!result) co_return error_response(result.error());
    // Read again: the run changed its title, count and status.
    auto updated = co_await conversations_.find(caller, conversation->id);
    auto json = to_json(*result);
    json["conversation"] = to_json(updated ? *updated : *conversation);
    co_return json_response(201, json);
  }

  awaitable<Response> list(Request& request, const Principal& caller) {
    auto page_request = parse_page_request(request);
    if (!page_request) co_return error_response(page_request.error());
    auto page = co_await conversations_.list(caller, page_request->limit, page_request->after);
    if (!page) co_return error_response(page.error());
    co_return page_response(*page, [](const auto& conversation) { return to_json(conversation); });
  }

  awaitable<Response> get(Request& request, const Principal& caller) {
    auto detail = co_await conversations_.get(caller, std::string(request.path_param("id")));
    if (!detail) co_return error_response(detail.error());
    auto json = to_json(detail->conversation);
    boost::json::array messages;
    for (const auto& message : detail->messages) messages.emplace_back(to_json(message));
    json["messages"] = std::move(messages);
    co_return json_response(200, json);
  }

  awaitable<Response> remove(Request& request, const Principal& caller) {
    auto removed = co_await conversations_.remove(caller, std::string(request.path_param("id")));
    if (!removed) co_return error_response(removed.error());
    co_return Response::no_content();
  }

  awaitable<Response> send_message(Request& request, const Principal& caller) {
    auto body = parse_json_body(request);
    if (!body) co_return error_response(body.error());
    auto parsed = parse_turn(*body);
    if (!parsed) co_return error_response(parsed.error());
    parsed->turn.conversation_id = std::string(request.path_param("id"));
    const bool background = parsed->turn.background;
    auto live = co_await runs_.start(caller, std::move(parsed->turn));
    if (!live) co_return error_response(live.error());
    if (parsed->stream) co_return run_event_stream(std::move(*live), 0, StreamRole::owner);
    if (background) {
      // Nobody waits: the Run at once, to be followed with /events, /v1/runs/{id} or cancel.
      auto run = co_await manage_runs_.get(caller, (*live)->run_id());
      if (!run) co_return error_response(run.error());
      co_return json_response(202, to_json(*run));
    }
    auto result = co_await ConversationRuns::wait(**live);
    if (!result) co_return error_response(result.error());
    co_return json_response(200, to_json(*result));
  }

  awaitable<Response> approve(Request& request, const Principal& caller) {
    auto body = parse_json_body(request);
    if (!body) co_return error_response(body.error());
    auto parsed = parse_approve(*body);
    if (!parsed) co_return error_response(parsed.error());
    parsed->approve.conversation_id = std::string(request.path_param("id"));
    auto live = co_await runs_.approve(caller, std::move(parsed->approve));
    if (!live) co_return error_response(live.error());
    if (parsed->stream) {
      const auto after = (*live)->resumed_after();
      co_return run_event_stream(std::move(*live), after, StreamRole::owner);
    }
    auto result = co_await ConversationRuns::wait(**live);
    if (!result) co_return error_response(result.error());
    co_return json_response(200, to_json(*result));
  }

  awaitable<Response> list_approvals(Request& request, const Principal& caller) {
    auto page_request = parse_page_request(request);
    if (!page_request) co_return error_response(page_request.error());
    std::optional<ApprovalStatus> status;
    if (auto text = request.query_param("status"); text && !text->empty()) {
      status = parse_approval_status(*text);
      if (!status) {
        co_return error_response(
            Error::invalid("status must be pending, approved, rejected or expired", "status"));
      }
    }
    auto page = co_await conversations_.list_approvals(caller, status, page_request->limit,
                                                       page_request->after);
    if (!page) co_return error_response(page.error());
    co_return page_response(*page, [](const auto& approval) { return to_json(approval); });
  }

  awaitable<Response> list_runs(Request& request, const Principal& caller) {
    auto page_request = parse_page_request(request);
    if (!page_request) co_return error_response(page_request.error());
    auto page = co_await manage_runs_.list(caller, std::string(request.path_param("id")),
                                           page_request->limit, page_request->after);
    if (!page) co_return error_response(page.error());
    co_return page_response(*page, [](const auto& run) { return to_json(run); });
  }

  awaitable<Response> get_run(Request& request, const Principal& caller) {
    auto run = co_await manage_runs_.get(caller, std::string(request.path_param("id")));
    if (!run) co_return error_response(run.error());
    co_return json_response(200, to_json(*run));
  }

  awaitable<Response> cancel_run(Request& request, const Principal& caller) {
    auto run = co_await manage_runs_.cancel(caller, std::string(request.path_param("id")));
    if (!run) co_return error_response(run.error());
    co_return json_response(200, to_json(*run));
  }

  // Follows the conversation's current (or last) run: replays what came after
  // Last-Event-ID, then streams live until the run ends.
  awaitable<Response> events(Request& request, const Principal& caller) {
    const std::string id(request.path_param("id"));
    auto conversation = co_await conversations_.find(caller, id);
    if (!conversation) co_return error_response(conversation.error());
    auto live = live_runs_.latest(id);
    if (live && live->user_id() != caller.user_id) live = nullptr;
    // With replicas, the conversation's latest run may be running on another one.
    std::optional<std::string> elsewhere;
    if (feed_ != nullptr) {
      auto latest = co_await feed_->latest_run(id);
      // A copy this replica let go of (another took the run over) is followed there.
      if (latest && *latest && (!live || live->run_id() != **latest || live->abandoned())) {
        elsewhere = **latest;
      }
      // Started on another replica a moment ago, before its first event reached the feed:
      // the stored run says so, and its events are waited for.
      if (!live && !elsewhere) elsewhere = co_await running_run_of(caller, id);
    }
    if (!live && !elsewhere) {
      co_return error_response(
          Error::not_found("this conversation has no run to follow", "no_active_run"));
    }
    std::int64_t after = 0;
    if (auto last = request.header("last-event-id")) {
      auto [end, ec] = std::from_chars(last->data(), last->data() + last->size(), after);
      if (ec != std::errc{} || end != last->data() + last->size() || after < 0) {
        co_return error_response(
            Error::invalid("Last-Event-ID must be an event id from this stream", "Last-Event-ID"));
      }
    }
    if (elsewhere) co_return feed_event_stream(*feed_, std::move(*elsewhere), after);
    // Following a run never owns it: leaving does not cancel it.
    co_return run_event_stream(std::move(live), after, StreamRole::follower);
  }

 private:
  awaitable<std::optional<std::string>> running_run_of(const Principal& caller,
                                                       std::string conversation_id) {
    auto newest = co_await manage_runs_.list(caller, std::move(conversation_id), 1, std::nullopt);
    if (!newest || newest->items.empty()) co_return std::nullopt;
    const Run& run = newest->items.front();
    if (run.status != RunStatus::running) co_return std::nullopt;
    co_return run.id;
  }

  ManageConversations& conversations_;
  ConversationRuns& runs_;
  ManageRuns& manage_runs_;
  LiveRuns& live_runs_;
  RunEventFeed* feed_;
};

}  // namespace

void add_conversation_routes(Router& router, const AuthGuard& guard,
                             ManageConversations& conversations, ConversationRuns& runs,
                             ManageRuns& manage_runs, LiveRuns& live_runs, RunEventFeed* feed) {
  auto routes =
      std::make_shared<ConversationRoutes>(conversations, runs, manage_runs, live_runs, feed);
  router.add("POST", "/v1/conversations", guard.protect([routes](Request& r, const Principal& p) {
    return routes->create(r, p);
  }));
  router.add("GET", "/v1/conversations", guard.protect([routes](Request& r, const Principal& p) {
    return routes->list(r, p);
  }));
  router.add("GET", "/v1/conversations/{id}",
             guard.protect([routes](Request& r, const Principal& p) { return routes->get(r, p); }));
  router.add(
      "DELETE", "/v1/conversations/{id}",
      guard.protect([routes](Request& r, const Principal& p) { return routes->remove(r, p); }));
  router.add("POST", "/v1/conversations/{id}/messages",
             guard.protect(
                 [routes](Request& r, const Principal& p) { return routes->send_message(r, p); }));
  router.add(
      "POST", "/v1/conversations/{id}/approve",
      guard.protect([routes](Request& r, const Principal& p) { return routes->approve(r, p); }));
  router.add("GET", "/v1/approvals", guard.protect([routes](Request& r, const Principal& p) {
    return routes->list_approvals(r, p);
  }));
  router.add(
      "GET", "/v1/conversations/{id}/runs",
      guard.protect([routes](Request& r, const Principal& p) { return routes->list_runs(r, p); }));
  router.add("GET", "/v1/runs/{id}", guard.protect([routes](Request& r, const Principal& p) {
    return routes->get_run(r, p);
  }));
  router.add(
      "POST", "/v1/runs/{id}/cancel",
      guard.protect([routes](Request& r, const Principal& p) { return routes->cancel_run(r, p); }));
  router.add(
      "GET", "/v1/conversations/{id}/events",
      guard.protect([routes](Request& r, const Principal& p) { return routes->events(r, p); }));
}

}  // namespace agentd::http
