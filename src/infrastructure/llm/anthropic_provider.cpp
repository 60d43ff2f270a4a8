#include "infrastructure/llm/anthropic_provider.h"

#include <utility>

#include "infrastructure/llm/anthropic_wire.h"
#include "infrastructure/llm/sse_chat_stream.h"

namespace agentd::llm {

net::HttpRequest AnthropicProvider::http_request(const ChatRequest& request,
                                                 Streaming streaming) const {
  return json_post(
      endpoint_, "messages",
      {{"x-api-key", endpoint_.api_key}, {"anthropic-version", std::string(kApiVersion)}},
      to_anthropic_json(request, streaming, kDefaultMaxTokens));
}

boost::asio::awaitable<Result<ChatCompletion>> AnthropicProvider::complete(ChatRequest request) {
  // Let go of once written out, not kept in the frame while the upstream answers.
  auto http = http_request(std::exchange(request, {}), Streaming::no);
  auto body = co_await post_for_json(client_, std::move(http), endpoint_);
  if (!body) co_return std::move(body).take_error();
  co_return completion_from_anthropic(*body);
}

boost::asio::awaitable<Result<std::unique_ptr<ChatStream>>> AnthropicProvider::stream(
    ChatRequest request) {
  auto http = http_request(std::exchange(request, {}), Streaming::yes);
  auto translator = std::make_shared<AnthropicStreamTranslator>();
  EventTranslator translate = [translator](const net::SseEvent& event,
                                           bool& done) -> Result<std::optional<ChatDelta>> {
    auto data = event_json(event);
    if (!data) return std::move(data).take_error();
    auto delta = translator->translate(event.event, *data);
    done = translator->is_finished();
    return delta;
  };
  co_return co_await open_sse_chat_stream(client_, std::move(http), endpoint_,
                                          std::move(translate));
}

}  // namespace agentd::llm
