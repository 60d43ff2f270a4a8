// Where and how to reach one upstream model API.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <chrono>
#include <optional>
#include <string>

#include "infrastructure/net/http_client.h"
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

// A POST of `body` as JSON to `path` under the endpoint; `credentials` are the headers the
// provider authenticates with.
net::HttpRequest json_post(const ProviderEndpoint& endpoint, std::string_view path,
                           net::HttpHeaders credentials, const boost::json::object& body);

// Request limits for a model call.
net::RequestOptions request_options(const ProviderEndpoint& endpoint);

// The upstream's Retry-After (seconds), if it sent one.
std::optional<std::chrono::milliseconds> retry_after(const net::HttpResponseHead& head);

// POSTs a request and returns the answer's JSON body; a non-200 answer becomes the error it
// stands for (with Retry-After), as does a body that is not JSON.
boost::asio::awaitable<Result<boost::json::value>> post_for_json(net::HttpClient& client,
                                                                 net::HttpRequest request,
                                                                 const ProviderEndpoint& endpoint);

// POSTs a request asking for an event stream; a non-200 answer becomes its error, read from
// its (small) body to keep the upstream's message.
boost::asio::awaitable<Result<net::HttpStream>> post_for_stream(net::HttpClient& client,
                                                                net::HttpRequest request,
                                                                const ProviderEndpoint& endpoint);

}  // namespace agentd::llm
