// A web search API: how to ask it for results and how to read its answer.
#pragma once

#include <boost/json/value.hpp>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "domain/common/result.h"
#include "infrastructure/net/http_types.h"

namespace agentd {

struct SearchHit {
  std::string title;
  std::string url;
  std::string snippet;
};

class SearchProvider {
 public:
  virtual ~SearchProvider() = default;
  virtual std::string_view name() const = 0;
  virtual Result<net::HttpRequest> request(std::string_view query, int max_results) const = 0;
  // Entries without a URL are skipped: the answer is third-party data, read leniently.
  virtual std::vector<SearchHit> hits(const boost::json::value& answer) const = 0;
};

// Reads `results`, an array of objects with "title", "url" and `snippet_key`.
std::vector<SearchHit> hits_from(const boost::json::value* results, std::string_view snippet_key);

// GET {base_url}/search?q=…&format=json; no key.
std::unique_ptr<SearchProvider> make_searxng_provider(std::string base_url);
// GET {base_url}/res/v1/web/search?q=…&count=… with X-Subscription-Token.
std::unique_ptr<SearchProvider> make_brave_provider(std::string base_url, std::string api_key);
// POST {base_url}/search with a JSON body and Authorization: Bearer.
std::unique_ptr<SearchProvider> make_tavily_provider(std::string base_url, std::string api_key);

}  // namespace agentd
