// Where and how to reach one upstream model API.
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include <boost/asio/awaitable.hpp>

#include "infrastructure/net/http_stream.h"
#include "infrastructure/net/http_types.h"

namespace agentd::llm {

struct ProviderEndpoint {
  std::string base_url;  // e.g. https://api.openai.com/v1 (no trailing slash needed)
  std::string api_key;   // read from the variable the config names; never logged
  std::chrono::milliseconds timeout{60'000};  // to the first byte, and between stream pieces
};

// "https://x/v1/" + "chat/completions" without a doubled or missing slash.
std::string join_url(const std::string& base, std::string_view path);

// Request limits for a model call.
net::RequestOptions request_options(const ProviderEndpoint& endpoint);

// The upstream's Retry-After (seconds), if it sent one.
std::optional<std::chrono::milliseconds> retry_after(const net::HttpResponseHead& head);

// The error a non-200 streaming answer stands for; its (small) body is read to keep the
// upstream's message.
boost::asio::awaitable<Error> error_from(net::HttpStream& http);

}  // namespace agentd::llm
