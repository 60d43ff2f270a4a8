#include "infrastructure/llm/provider_endpoint.h"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <charconv>

#include "infrastructure/llm/provider_error.h"

namespace agentd::llm {

std::string join_url(const std::string& base, std::string_view path) {
  std::string url = base;
  while (!url.empty() && url.back() == '/') url.pop_back();
  while (!path.empty() && path.front() == '/') path.remove_prefix(1);
  return url + "/" + std::string(path);
}

net::HttpRequest json_post(const ProviderEndpoint& endpoint, std::string_view path,
                           net::HttpHeaders credentials, const boost::json::object& body) {
  net::HttpHeaders headers{{"Content-Type", "application/json"}};
  for (auto& header : credentials) headers.push_back(std::move(header));
  return net::HttpRequest("POST", join_url(endpoint.base_url, path), std::move(headers),
                          boost::json::serialize(body));
}

net::RequestOptions request_options(const ProviderEndpoint& endpoint) {
  net::RequestOptions options;
  options.first_byte_timeout = endpoint.timeout;
  options.idle_timeout = endpoint.timeout;
  return options;
}

std::optional<std::chrono::milliseconds> retry_after(const net::HttpResponseHead& head) {
  auto value = head.header("retry-after");
  if (!value) return std::nullopt;
  long seconds = 0;
  auto [end, ec] = std::from_chars(value->data(), value->data() + value->size(), seconds);
  if (ec != std::errc{} || end != value->data() + value->size() || seconds < 0) return std::nullopt;
  return std::chrono::seconds(seconds);
}

namespace {

boost::asio::awaitable<Error> error_from(net::HttpStream& http) {
  constexpr std::size_t kMaxErrorBody = 64 * 1024;
  std::string body;
  while (body.size() < kMaxErrorBody) {
    auto piece = co_await http.read();
    if (!piece || piece->empty()) break;
    body += *piece;
  }
  auto error = upstream_http_error(http.status(), body);
  error.retry_after = retry_after(http.head());
  co_return error;
}

}  // namespace

boost::asio::awaitable<Result<boost::json::value>> post_for_json(net::HttpClient& client,
                                                                 net::HttpRequest request,
                                                                 const ProviderEndpoint& endpoint) {
  auto response = co_await client.request(std::move(request), request_options(endpoint));
  if (!response) co_return std::move(response).take_error();
  if (response->status != 200) {
    auto error = upstream_http_error(response->status, response->body);
    error.retry_after = retry_after(*response);
    co_return error;
  }
  boost::system::error_code ec;
  auto body = boost::json::parse(response->body, ec);
  if (ec) co_return invalid_upstream_response("the upstream answer is not JSON");
  co_return body;
}

boost::asio::awaitable<Result<net::HttpStream>> post_for_stream(net::HttpClient& client,
                                                                net::HttpRequest request,
                                                                const ProviderEndpoint& endpoint) {
  request.headers.emplace_back("Accept", "text/event-stream");
  auto opened = co_await client.stream(std::move(request), request_options(endpoint));
  if (!opened) co_return std::move(opened).take_error();
  if (opened->status() != 200) co_return co_await error_from(*opened);
  co_return std::move(*opened);
}

}  // namespace agentd::llm
