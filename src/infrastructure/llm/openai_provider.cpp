#include "infrastructure/llm/openai_provider.h"

#include <boost/json.hpp>

#include "infrastructure/llm/openai_wire.h"
#include "infrastructure/llm/provider_error.h"
#include "infrastructure/llm/sse_chat_stream.h"

namespace agentd::llm {
net::HttpRequest OpenAiProvider::http_request(const ChatRequest& request, bool stream) const {
  net::HttpHeaders headers{{"Content-Type", "application/json"},
                           {"Authorization", "Bearer " + endpoint_.api_key}};
  if (stream) headers.emplace_back("Accept", "text/event-stream");
  return net::HttpRequest("POST", join_url(endpoint_.base_url, "chat/completions"),
                          std::move(headers),
                          boost::json::serialize(to_openai_json(request, stream, stream)));
}

boost::asio::awaitable<Result<ChatCompletion>> OpenAiProvider::complete(ChatRequest request) {
  auto http = http_request(request, false);
  auto body = co_await post_for_json(client_, std::move(http), endpoint_);
  if (!body) co_return std::move(body).take_error();
  co_return completion_from_openai(*body);
}

boost::asio::awaitable<Result<std::unique_ptr<ChatStream>>> OpenAiProvider::stream(
    ChatRequest request) {
  auto http = http_request(request, true);
  auto opened = co_await post_for_stream(client_, std::move(http), endpoint_);
  if (!opened) co_return std::move(opened).take_error();
  EventTranslator translate = [](const net::SseEvent& event, bool& done) -> Result<std::optional<ChatDelta>> {
    if (is_done(event.data)) {
      done = true;
      return std::optional<ChatDelta>{};
    }
    // A chunk is parsed, read and dropped at once (deltas keep no JSON), so a buffer on the
    // stack serves the parse instead of the heap.
    unsigned char scratch[4096];
    boost::json::monotonic_resource arena(scratch, sizeof scratch);
    boost::system::error_code ec;
    auto chunk = boost::json::parse(event.data, ec, &arena);
    if (ec) return invalid_upstream_response("the upstream sent an event that is not JSON");
    auto delta = delta_from_openai_chunk(chunk);
    if (!delta) return std::move(delta).take_error();
    return std::optional<ChatDelta>{std::move(*delta)};
  };
  std::unique_ptr<ChatStream> stream =
      std::make_unique<SseChatStream>(std::move(*opened), std::move(translate));
  co_return stream;
}

}  // namespace agentd::llm
