#include "infrastructure/llm/provider_endpoint.h"

#include <charconv>

#include "infrastructure/llm/provider_error.h"

namespace agentd::llm {

std::string join_url(const std::string& base, std::string_view path) {
  std::string url = base;
  while (!url.empty() && url.back() == '/') url.pop_back();
  while (!path.empty() && path.front() == '/') path.remove_prefix(1);
  return url + "/" + std::string(path);
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

}  // namespace agentd::llm
