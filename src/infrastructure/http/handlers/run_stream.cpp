#include "infrastructure/http/handlers/run_stream.h"

#include "infrastructure/http/dto/conversation_dto.h"

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

}  // namespace agentd::http
