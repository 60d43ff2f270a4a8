// Transport-neutral request and response: handlers see these, never Beast types.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace agentd::http {

struct Request {
  std::string method;
  std::string path;   // percent-encoded path without the query
  std::string query;  // raw query string without '?'
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-cased
  std::string body;
  std::map<std::string, std::string, std::less<>> path_params;
  std::string request_id;
  std::string remote_address;

  std::optional<std::string_view> header(std::string_view lower_name) const;
  std::string_view path_param(std::string_view name) const;
  std::optional<std::string> query_param(std::string_view name) const;
};

struct Response {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;

  void set_header(std::string name, std::string value);
  static Response json(int status, std::string body);
  static Response no_content();
};

}  // namespace agentd::http
