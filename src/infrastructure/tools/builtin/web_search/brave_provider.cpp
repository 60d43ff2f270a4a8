// Brave Search API: web results, authenticated by the X-Subscription-Token header.
#include <boost/json.hpp>

#include "infrastructure/net/url.h"
#include "infrastructure/tools/builtin/web_search/search_provider.h"

namespace agentd {
namespace {

// Brave marks matched words with <strong>; a model reads plain text better.
std::string without_tags(std::string_view html) {
  std::string text;
  text.reserve(html.size());
  bool is_in_tag = false;
  for (char c : html) {
    if (c == '<') {
      is_in_tag = true;
    } else if (c == '>' && is_in_tag) {
      is_in_tag = false;
    } else if (!is_in_tag) {
      text += c;
    }
  }
  return text;
}

class BraveProvider : public SearchProvider {
 public:
  BraveProvider(std::string base_url, std::string api_key)
      : base_url_(std::move(base_url)), api_key_(std::move(api_key)) {}

  std::string_view name() const override { return "brave"; }

  Result<net::HttpRequest> request(std::string_view query, int max_results) const override {
    auto url = net::build_url(base_url_, "/res/v1/web/search",
                              {{"q", std::string(query)}, {"count", std::to_string(max_results)}});
    if (!url) return url.error();
    return net::HttpRequest{"GET",
                            std::move(*url),
                            {{"Accept", "application/json"}, {"X-Subscription-Token", api_key_}},
                            {}};
  }

  std::vector<SearchHit> hits(const boost::json::value& answer) const override {
    const auto* web = answer.is_object() ? answer.get_object().if_contains("web") : nullptr;
    auto hits =
        hits_from(web && web->is_object() ? web->get_object().if_contains("results") : nullptr,
                  "description");
    for (auto& hit : hits) {
      hit.title = without_tags(hit.title);
      hit.snippet = without_tags(hit.snippet);
    }
    return hits;
  }

 private:
  std::string base_url_;
  std::string api_key_;
};

}  // namespace

std::unique_ptr<SearchProvider> make_brave_provider(std::string base_url, std::string api_key) {
  return std::make_unique<BraveProvider>(std::move(base_url), std::move(api_key));
}

}  // namespace agentd
