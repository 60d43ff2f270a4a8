// Tavily, a search API for agents: a JSON POST authenticated with a bearer token.
#include <boost/json.hpp>

#include "infrastructure/net/url.h"
#include "infrastructure/tools/builtin/web_search/search_provider.h"

namespace agentd {
namespace {

class TavilyProvider : public SearchProvider {
 public:
  TavilyProvider(std::string base_url, std::string api_key)
      : base_url_(std::move(base_url)), api_key_(std::move(api_key)) {}

  std::string_view name() const override { return "tavily"; }

  Result<net::HttpRequest> request(std::string_view query, int max_results) const override {
    auto url = net::build_url(base_url_, "/search", {});
    if (!url) return url.error();
    boost::json::object body{
        {"query", query}, {"max_results", max_results}, {"search_depth", "basic"}};
    return net::HttpRequest{"POST",
                            std::move(*url),
                            {{"Content-Type", "application/json"},
                             {"Accept", "application/json"},
                             {"Authorization", "Bearer " + api_key_}},
                            boost::json::serialize(body)};
  }

  std::vector<SearchHit> hits(const boost::json::value& answer) const override {
    return hits_from(answer.is_object() ? answer.get_object().if_contains("results") : nullptr,
                     "content");
  }

 private:
  std::string base_url_;
  std::string api_key_;
};

}  // namespace

std::unique_ptr<SearchProvider> make_tavily_provider(std::string base_url, std::string api_key) {
  return std::make_unique<TavilyProvider>(std::move(base_url), std::move(api_key));
}

}  // namespace agentd
