#include "infrastructure/llm/anthropic_provider.h"

#include <boost/json.hpp>

#include "infrastructure/llm/anthropic_wire.h"
#include "infrastructure/llm/provider_error.h"
#include "infrastructure/llm/sse_chat_stream.h"

namespace agentd::llm {

net::HttpRequest AnthropicProvider::http_request(const ChatRequest& request, bool stream) const {
  net::HttpHeaders headers{{"Content-Type", "application/json"},
                           {"x-api-key", endpoint_.api_key},
                           {"anthropic-version", std::string(kApiVersion)}};
  if (stream) headers.emplace_back("Accept", "text/event-stream");
  return net::HttpRequest(
      "POST", join_url(endpoint_.base_url, "messages"), std::move(headers),
      boost::json::serialize(to_anthropic_json(request, stream, kDefaultMaxTokens)));
}

boost::asio::awaitable<Result<ChatCompletion>> AnthropicProvider::complete(ChatRequest request) {
  auto http = http_request(request, false);
  auto body = co_await post_for_json(client_, std::move(http), endpoint_);
  if (!body) co_return std::move(body).take_error();
  co_return completion_from_anthropic(*body);
}

boost::asio::awaitable<Result<std::unique_ptr<ChatStream>>> AnthropicProvider::stream(
    ChatRequest request) {
  auto http = http_request(request, true);
  auto opened = co_await post_for_stream(client_, std::move(http), endpoint_);
  if (!opened) co_return std::move(opened).take_error();
  auto translator = std::make_shared<AnthropicStreamTranslator>();
  EventTranslator translate = [translator](const net::SseEvent& event,
                                           bool& done) -> Result<std::optional<ChatDelta>> {
    boost::system::error_code ec;
    auto data = boost::json::parse(event.data, ec);
    if (ec) return invalid_upstream_response("the upstream sent an event that is not JSON");
    auto delta = translator->translate(event.event, data);
    done = translator->is_finished();
    return delta;
  };
  std::unique_ptr<ChatStream> stream =
      std::make_unique<SseChatStream>(std::move(*opened), std::move(translate));
  co_return stream;
}

}  // namespace agentd::llm
