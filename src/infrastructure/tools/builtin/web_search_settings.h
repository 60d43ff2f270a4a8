// What web_search needs to reach its provider. Owned here, filled in by the configuration.
#pragma once

#include <string>

namespace agentd {

struct WebSearchProviderSettings {
  std::string provider;  // searxng | brave | tavily; empty: web_search is not offered
  std::string base_url;
  std::string api_key_env;  // default: BRAVE_API_KEY or TAVILY_API_KEY, by provider
  std::string api_key;      // that variable's value; empty when unset
};

}  // namespace agentd
