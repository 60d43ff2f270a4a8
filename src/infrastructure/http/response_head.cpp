#include "infrastructure/http/response_head.h"

#include <boost/beast/http/status.hpp>

namespace agentd::http {

std::string response_head(const Response& response, unsigned version, KeepAlive keep_alive,
                          std::string_view framing) {
  const auto reason =
      boost::beast::http::obsolete_reason(static_cast<boost::beast::http::status>(response.status));
  std::string out;
  out.reserve(160 + response.headers.size() * 48);
  out.append(version == 10 ? "HTTP/1.0 " : "HTTP/1.1 ")
      .append(std::to_string(response.status))
      .append(" ")
      .append(reason)
      .append("\r\n");
  for (const auto& [name, value] : response.headers) {
    out.append(name).append(": ").append(value).append("\r\n");
  }
  // Each version's default is left unsaid: 1.1 keeps connections alive, 1.0 closes them.
  if (version == 10 && keep_alive == KeepAlive::yes) out.append("Connection: keep-alive\r\n");
  if (version != 10 && keep_alive == KeepAlive::no) out.append("Connection: close\r\n");
  out.append(framing).append("\r\n");
  return out;
}

}  // namespace agentd::http
