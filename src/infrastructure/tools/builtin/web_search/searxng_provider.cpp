// SearXNG, a self-hosted metasearch engine: its JSON API needs no key (format=json enabled).
#include <boost/json.hpp>

#include "infrastructure/net/url.h"
#include "infrastructure/tools/builtin/web_search/search_provider.h"

namespace agentd {
namespace {

class SearxngProvider : public SearchProvider {
 public:
  explicit SearxngProvider(std::string base_url) : base_url_(std::move(base_url)) {}

  std::string_view name() const override { return "searxng"; }

  // SearXNG has no result count parameter: the tool caps the list.
  Result<net::HttpRequest> request(std::string_view query, int) const override {
    auto url =
        net::build_url(base_url_, "/search", {{"q", std::string(query)}, {"format", "json"}});
    if (!url) return url.error();
    return net::HttpRequest{"GET", std::move(*url), {{"Accept", "application/json"}}, {}};
  }

  std::vector<SearchHit> hits(const boost::json::value& answer) const override {
    return hits_from(answer.is_object() ? answer.get_object().if_contains("results") : nullptr,
                     "content");
  }

 private:
  std::string base_url_;
};

}  // namespace

std::unique_ptr<SearchProvider> make_searxng_provider(std::string base_url) {
  return std::make_unique<SearxngProvider>(std::move(base_url));
}

}  // namespace agentd
