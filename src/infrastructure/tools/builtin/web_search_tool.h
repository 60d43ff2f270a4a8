// web_search: searches the web through the configured provider (SearXNG, Brave or Tavily).
#pragma once

#include <memory>
#include <string>

#include "application/ports/tool.h"
#include "infrastructure/net/http_client.h"
#include "infrastructure/tools/builtin/web_search/search_provider.h"
#include "infrastructure/tools/builtin/web_search_settings.h"

namespace agentd {

class WebSearchTool : public Tool {
 public:
  static constexpr int kDefaultResults = 5;
  static constexpr int kMaxResults = 10;

  WebSearchTool(ToolSpec spec, net::HttpClient& client, std::unique_ptr<SearchProvider> provider);
  static ToolSpec default_spec();

  const ToolSpec& spec() const override { return spec_; }
  boost::asio::awaitable<Result<boost::json::value>> execute(boost::json::object arguments,
                                                             const ToolContext& context) override;

 private:
  ToolSpec spec_;
  net::HttpClient& client_;
  std::unique_ptr<SearchProvider> provider_;
  net::RequestOptions request_options_;
};

// nullptr when no provider is configured, so the caller does not offer the tool; an error
// naming the setting when the configuration is unusable (unknown provider, missing key).
Result<std::unique_ptr<Tool>> make_web_search_tool(ToolSpec spec,
                                                   const WebSearchProviderSettings& settings,
                                                   net::HttpClient& client);

}  // namespace agentd
