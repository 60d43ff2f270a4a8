// http_get: fetches the text of a page on an allow-listed host, never from an internal address.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "application/ports/tool.h"
#include "infrastructure/net/http_client.h"

namespace agentd {

struct HttpGetRules {
  std::vector<std::string> allow_hosts;  // exact host names (config tools.http_get.allow_hosts)
  std::size_t max_bytes = std::size_t{512} * 1024;  // longer bodies are cut and flagged "truncated"
  // For tests only: lets the tool reach a fake server on 127.0.0.1.
  bool allows_loopback = false;
};

class HttpGetTool : public Tool {
 public:
  static constexpr int kMaxRedirects = 3;

  HttpGetTool(ToolSpec spec, net::HttpClient& client, HttpGetRules rules);
  // The description names the allowed hosts, so a model does not try others.
  static ToolSpec default_spec(const std::vector<std::string>& allow_hosts);

  const ToolSpec& spec() const override { return spec_; }
  boost::asio::awaitable<Result<boost::json::value>> execute(boost::json::object arguments,
                                                             const ToolContext& context) override;

 private:
  bool is_allowed_host(const std::string& host) const;

  ToolSpec spec_;
  net::HttpClient& client_;
  HttpGetRules rules_;
  net::RequestOptions request_options_;
};

}  // namespace agentd
