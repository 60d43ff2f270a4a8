// A ChatStream over an upstream's Server-Sent Events: reads body pieces, parses events, and
// hands each event to a provider-specific translator.
#pragma once

#include <boost/json/storage_ptr.hpp>
#include <boost/json/value.hpp>
#include <deque>
#include <functional>
#include <memory>

#include "application/ports/llm_provider.h"
#include "infrastructure/llm/provider_endpoint.h"
#include "infrastructure/net/http_stream.h"
#include "infrastructure/net/sse_parser.h"

namespace agentd::llm {

// Returns the delta an event carries (nullopt: none), or an error; sets `done` at the end.
using EventTranslator =
    std::function<Result<std::optional<ChatDelta>>(const net::SseEvent& event, bool& done)>;

class SseChatStream : public ChatStream {
 public:
  // A chat chunk is small; an event larger than this is a broken upstream, not an answer.
  static constexpr std::size_t kMaxEventBytes = std::size_t{1} << 20;

  SseChatStream(net::HttpStream http, EventTranslator translate)
      : http_(std::move(http)), translate_(std::move(translate)) {}

  boost::asio::awaitable<Result<std::optional<ChatDelta>>> next() override;
  // Events that arrived in one read are all parsed at once; their deltas wait here. After
  // the end marker only the body's framing is left, which arrives with it: the caller may
  // send the last delta and the end of its own stream in one write.
  bool next_is_ready() const override { return !pending_.empty() || done_; }

 private:
  Status consume(const std::vector<net::SseEvent>& events);

  net::HttpStream http_;
  EventTranslator translate_;
  net::SseParser parser_{kMaxEventBytes};
  std::deque<ChatDelta> pending_;
  bool done_ = false;
  bool is_drained_ = false;  // the body after the end marker was read (or given up on)
};

// POSTs a chat request asking for an event stream and reads the answer as a ChatStream whose
// events go through `translate`: what every streaming provider does, wire format aside.
boost::asio::awaitable<Result<std::unique_ptr<ChatStream>>> open_sse_chat_stream(
    net::HttpClient& client, net::HttpRequest request, const ProviderEndpoint& endpoint,
    EventTranslator translate);

// An event's data parsed as JSON (into `storage` when given); data that is not JSON is an
// invalid upstream response.
Result<boost::json::value> event_json(const net::SseEvent& event,
                                      boost::json::storage_ptr storage = {});

}  // namespace agentd::llm
