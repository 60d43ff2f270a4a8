#include "infrastructure/tools/builtin/web_search/search_provider.h"

#include <boost/json.hpp>

namespace agentd {
namespace {

std::string string_field(const boost::json::object& object, std::string_view key) {
  const auto* value = object.if_contains(key);
  return value && value->is_string() ? std::string(value->get_string()) : std::string{};
}

}  // namespace

std::vector<SearchHit> hits_from(const boost::json::value* results, std::string_view snippet_key) {
  std::vector<SearchHit> hits;
  if (!results || !results->is_array()) return hits;
  for (const auto& entry : results->get_array()) {
    if (!entry.is_object()) continue;
    const auto& object = entry.get_object();
    SearchHit hit{string_field(object, "title"), string_field(object, "url"),
                  string_field(object, snippet_key)};
    if (!hit.url.empty()) hits.push_back(std::move(hit));
  }
  return hits;
}

}  // namespace agentd
