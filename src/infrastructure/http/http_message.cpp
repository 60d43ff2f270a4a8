#include "infrastructure/http/http_message.h"

#include <boost/url/decode_view.hpp>
#include <boost/url/parse_query.hpp>

namespace agentd::http {

std::optional<std::string_view> Request::header(std::string_view lower_name) const {
  for (const auto& [name, value] : headers) {
    if (name == lower_name) return value;
  }
  return std::nullopt;
}

std::string_view Request::path_param(std::string_view name) const {
  auto it = path_params.find(name);
  return it == path_params.end() ? std::string_view{} : std::string_view{it->second};
}

std::optional<std::string> Request::query_param(std::string_view name) const {
  auto params = boost::urls::parse_query(query);
  if (!params) return std::nullopt;
  for (const auto& param : *params) {
    if (*param.key == name) {
      const auto value = *param.value;  // percent-decoded
      return std::string(value.begin(), value.end());
    }
  }
  return std::nullopt;
}

void Response::set_header(std::string name, std::string value) {
  for (auto& [existing, old] : headers) {
    if (existing == name) {
      old = std::move(value);
      return;
    }
  }
  headers.emplace_back(std::move(name), std::move(value));
}

Response Response::json(int status, std::string body) {
  Response response;
  response.status = status;
  response.headers.emplace_back("Content-Type", "application/json");
  response.body = std::move(body);
  return response;
}

Response Response::no_content() {
  Response response;
  response.status = 204;
  return response;
}

Response Response::event_stream(BodyProducer producer) {
  Response response;
  response.headers.emplace_back("Content-Type", "text/event-stream");
  response.headers.emplace_back("Cache-Control", "no-cache");
  response.headers.emplace_back("X-Accel-Buffering", "no");  // proxies must not buffer events
  response.stream = std::move(producer);
  return response;
}

}  // namespace agentd::http
