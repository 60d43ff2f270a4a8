#include "infrastructure/llm/sse_chat_stream.h"

#include <boost/json/parse.hpp>

#include "infrastructure/llm/provider_error.h"

namespace agentd::llm {

Status SseChatStream::consume(const std::vector<net::SseEvent>& events) {
  for (const auto& event : events) {
    if (done_) break;
    auto delta = translate_(event, done_);
    if (!delta) return std::move(delta).take_error();
    if (*delta) pending_.push_back(std::move(**delta));
  }
  return ok_status();
}

boost::asio::awaitable<Result<std::optional<ChatDelta>>> SseChatStream::next() {
  while (pending_.empty() && !done_) {
    auto piece = co_await http_.read();
    if (!piece) co_return std::move(piece).take_error();
    if (piece->empty()) {
      auto last = parser_.finish();
      if (!last) co_return std::move(last).take_error();
      if (auto consumed = consume(*last); !consumed) co_return std::move(consumed).take_error();
      if (!done_) {
        // The body ended without the provider's end marker: the answer is cut short.
        co_return invalid_upstream_response("the upstream stream ended early");
      }
      break;
    }
    auto events = parser_.feed(*piece);
    if (!events) co_return std::move(events).take_error();
    if (auto consumed = consume(*events); !consumed) co_return std::move(consumed).take_error();
  }
  if (pending_.empty()) {
    // Past the end marker only the body's framing is normally left (the last chunk of a
    // chunked body); reading it lets the connection serve the next request.
    if (!is_drained_) {
      is_drained_ = true;
      co_await http_.discard_rest();
    }
    co_return std::optional<ChatDelta>{};
  }
  std::optional<ChatDelta> delta = std::move(pending_.front());
  pending_.pop_front();
  co_return delta;
}

boost::asio::awaitable<Result<std::unique_ptr<ChatStream>>> open_sse_chat_stream(
    net::HttpClient& client, net::HttpRequest request, const ProviderEndpoint& endpoint,
    EventTranslator translate) {
  auto opened = co_await post_for_stream(client, std::move(request), endpoint);
  if (!opened) co_return std::move(opened).take_error();
  std::unique_ptr<ChatStream> stream =
      std::make_unique<SseChatStream>(std::move(*opened), std::move(translate));
  co_return stream;
}

Result<boost::json::value> event_json(const net::SseEvent& event,
                                      boost::json::storage_ptr storage) {
  boost::system::error_code ec;
  auto value = boost::json::parse(event.data, ec, std::move(storage));
  if (ec) return invalid_upstream_response("the upstream sent an event that is not JSON");
  return value;
}

}  // namespace agentd::llm
