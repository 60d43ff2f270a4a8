#include "infrastructure/tools/builtin/web_search_tool.h"

#include <algorithm>
#include <boost/json.hpp>

namespace agentd {
namespace {

// The configuration names the setting; the composition root marks it a configuration error.
Error setting_error(std::string message) {
  return Error::invalid("tools.web_search: " + std::move(message), "tools.web_search");
}

Result<std::string> api_key(const WebSearchProviderSettings& settings) {
  if (settings.api_key.empty()) {
    return setting_error("provider " + settings.provider + " needs an API key in $" +
                         settings.api_key_env);
  }
  return settings.api_key;
}

}  // namespace

WebSearchTool::WebSearchTool(ToolSpec spec, net::HttpClient& client,
                             std::unique_ptr<SearchProvider> provider)
    : spec_(std::move(spec)), client_(client), provider_(std::move(provider)) {
  request_options_.connect_timeout = std::chrono::seconds(5);
  request_options_.first_byte_timeout = std::chrono::seconds(15);
  request_options_.idle_timeout = std::chrono::seconds(10);
  request_options_.max_body_bytes = std::size_t{2} * 1024 * 1024;
}

ToolSpec WebSearchTool::default_spec() {
  ToolSpec spec;
  spec.name = "web_search";
  spec.description =
      "Searches the web and returns the top results, each with title, url and a short snippet. "
      "Use http_get to read a result's page.";
  spec.parameters = boost::json::parse(R"json({
    "type": "object",
    "properties": {
      "query": {"type": "string", "minLength": 1, "maxLength": 400,
                "description": "what to search for"},
      "max_results": {"type": "integer", "minimum": 1, "maximum": 10,
                      "description": "how many results to return (default 5)"}
    },
    "required": ["query"],
    "additionalProperties": false
  })json")
                        .as_object();
  spec.timeout = std::chrono::seconds(20);
  return spec;
}

boost::asio::awaitable<Result<boost::json::value>> WebSearchTool::execute(
    boost::json::object arguments, const ToolContext&) {
  const std::string query(arguments.at("query").as_string());
  int max_results = kDefaultResults;
  if (const auto* requested = arguments.if_contains("max_results");
      requested && requested->is_int64()) {
    max_results =
        static_cast<int>(std::clamp<std::int64_t>(requested->get_int64(), 1, kMaxResults));
  }
  const std::string failed = "web search (" + std::string(provider_->name()) + ") failed: ";

  auto request = provider_->request(query, max_results);
  if (!request) co_return tool_error(failed + request.error().message);
  auto response = co_await client_.request(std::move(*request), request_options_);
  if (!response) co_return tool_error(failed + response.error().message);
  if (response->status >= 400) {
    co_return tool_error(failed + "the search API answered HTTP " +
                         std::to_string(response->status));
  }
  boost::system::error_code ec;
  auto answer = boost::json::parse(response->body, ec);
  if (ec) co_return tool_error(failed + "the search API's answer is not JSON");

  auto hits = provider_->hits(answer);
  if (hits.size() > static_cast<std::size_t>(max_results)) hits.resize(max_results);
  boost::json::array results;
  for (auto& hit : hits) {
    results.push_back(boost::json::object{{"title", std::move(hit.title)},
                                          {"url", std::move(hit.url)},
                                          {"snippet", std::move(hit.snippet)}});
  }
  co_return boost::json::value(
      boost::json::object{{"query", query}, {"results", std::move(results)}});
}

Result<std::unique_ptr<Tool>> make_web_search_tool(ToolSpec spec,
                                                   const WebSearchProviderSettings& settings,
                                                   net::HttpClient& client) {
  std::unique_ptr<SearchProvider> provider;
  if (settings.provider.empty()) return std::unique_ptr<Tool>{};
  if (settings.provider == "searxng") {
    if (settings.base_url.empty()) return setting_error("provider searxng needs base_url");
    provider = make_searxng_provider(settings.base_url);
  } else if (settings.provider == "brave") {
    auto key = api_key(settings);
    if (!key) return key.error();
    provider = make_brave_provider(
        settings.base_url.empty() ? "https://api.search.brave.com" : settings.base_url,
        std::move(*key));
  } else if (settings.provider == "tavily") {
    auto key = api_key(settings);
    if (!key) return key.error();
    provider = make_tavily_provider(
        settings.base_url.empty() ? "https://api.tavily.com" : settings.base_url, std::move(*key));
  } else {
    return setting_error("unknown provider '" + settings.provider + "' (searxng, brave or tavily)");
  }
  return std::unique_ptr<Tool>(
      std::make_unique<WebSearchTool>(std::move(spec), client, std::move(provider)));
}

}  // namespace agentd
