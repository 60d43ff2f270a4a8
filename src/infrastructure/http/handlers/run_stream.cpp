#include "infrastructure/http/handlers/run_stream.h"

#include <boost/json/serialize.hpp>
#include <chrono>

#include "infrastructure/http/dto/conversation_dto.h"
#include "infrastructure/http/error_response.h"

namespace agentd::http {

Response run_event_stream(std::shared_ptr<LiveRun> run, std::int64_t after_id, StreamRole role) {
  return Response::event_stream(
      [run, after_id, role](BodyWriter& out) -> boost::asio::awaitable<void> {
        CancelRunUnlessDone guard(run, role);
        std::int64_t seen = after_id;
        for (;;) {
          auto events = co_await run->events().read_after(seen);
          if (events.empty()) break;  // the run ended and everything was sent
          for (const auto& numbered : events) {
            co_await out.write(sse_event(numbered.id, numbered.event));
            seen = numbered.id;
          }
        }
        guard.done();
      });
}

Response feed_event_stream(RunEventFeed& feed, std::string run_id, std::int64_t after_id) {
  return Response::event_stream([&feed, run_id = std::move(run_id),
                                 after_id](BodyWriter& out) -> boost::asio::awaitable<void> {
    // Long enough to cost nothing, short enough for proxies that close idle streams.
    constexpr std::chrono::seconds kKeepAlive{15};
    std::int64_t seen = after_id;
    for (;;) {
      auto events = co_await feed.read_after(run_id, seen, kKeepAlive);
      if (!events) {
        // No id: the client resumes from the last event it did get.
        std::string text = "event: error\ndata: ";
        text += boost::json::serialize(error_json(events.error()));
        text += "\n\n";
        co_await out.write(text);
        co_return;
      }
      if (events->empty()) {
        co_await out.write(": keep-alive\n\n");
        continue;
      }
      for (const auto& event : *events) {
        co_await out.write("id: " + std::to_string(event.id) + "\nevent: " + event.name +
                           "\ndata: " + event.data + "\n\n");
        seen = event.id;
        if (event.last) co_return;
      }
    }
  });
}

}  // namespace agentd::http
