#include "infrastructure/http/middleware/client_address.h"

#include <algorithm>

namespace agentd::http {
namespace {

std::string_view trim(std::string_view text) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  return text;
}

bool is_trusted(const std::vector<std::string>& trusted, std::string_view address) {
  return std::find(trusted.begin(), trusted.end(), address) != trusted.end();
}

}  // namespace

std::string client_address(const Request& request,
                           const std::vector<std::string>& trusted_proxies) {
  if (!is_trusted(trusted_proxies, request.remote_address)) return request.remote_address;
  auto forwarded = request.header("x-forwarded-for");
  if (!forwarded) return request.remote_address;
  // Walk from the nearest hop back; the first address not ours is the client.
  std::string_view hops = *forwarded;
  while (!hops.empty()) {
    auto comma = hops.rfind(',');
    auto hop = trim(comma == std::string_view::npos ? hops : hops.substr(comma + 1));
    if (!hop.empty() && !is_trusted(trusted_proxies, hop)) return std::string(hop);
    if (comma == std::string_view::npos) break;
    hops = hops.substr(0, comma);
  }
  return request.remote_address;
}

}  // namespace agentd::http
