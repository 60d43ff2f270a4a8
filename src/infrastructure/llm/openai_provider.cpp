#include "infrastructure/llm/openai_provider.h"

#include <boost/json/monotonic_resource.hpp>
#include <utility>

#include "infrastructure/llm/openai_wire.h"
#include "infrastructure/llm/sse_chat_stream.h"

namespace agentd::llm {

net::HttpRequest OpenAiProvider::http_request(const ChatRequest& request,
                                              Streaming streaming) const {
  return json_post(
      endpoint_, "chat/completions", {{"Authorization", "Bearer " + endpoint_.api_key}},
      to_openai_json(request, streaming,
                     streaming == Streaming::yes ? IncludeUsage::yes : IncludeUsage::no));
}

boost::asio::awaitable<Result<ChatCompletion>> OpenAiProvider::complete(ChatRequest request) {
  // Let go of once written out, not kept in the frame while the upstream answers.
  auto http = http_request(std::exchange(request, {}), Streaming::no);
  auto body = co_await post_for_json(client_, std::move(http), endpoint_);
  if (!body) co_return std::move(body).take_error();
  co_return completion_from_openai(*body);
}

boost::asio::awaitable<Result<std::unique_ptr<ChatStream>>> OpenAiProvider::stream(
    ChatRequest request) {
  auto http = http_request(std::exchange(request, {}), Streaming::yes);
  EventTranslator translate = [](const net::SseEvent& event,
                                 bool& done) -> Result<std::optional<ChatDelta>> {
    if (is_done(event.data)) {
      done = true;
      return std::optional<ChatDelta>{};
    }
    // A chunk is parsed, read and dropped at once (deltas keep no JSON), so a buffer on the
    // stack serves the parse instead of the heap.
    unsigned char scratch[4096];
    boost::json::monotonic_resource arena(scratch, sizeof scratch);
    auto chunk = event_json(event, &arena);
    if (!chunk) return std::move(chunk).take_error();
    auto delta = delta_from_openai_chunk(*chunk);
    if (!delta) return std::move(delta).take_error();
    return std::optional<ChatDelta>{std::move(*delta)};
  };
  co_return co_await open_sse_chat_stream(client_, std::move(http), endpoint_,
                                          std::move(translate));
}

}  // namespace agentd::llm
