// The models this server offers: public name → provider, upstream model, retries, fallbacks.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "application/chat/context_limits.h"
#include "application/ports/llm_provider.h"
#include "domain/identity/principal.h"
#include "domain/usage/model_price.h"

namespace agentd {

struct ModelRoute {
  std::string name;            // what clients send
  std::string owned_by;        // shown in /v1/models ("openai", "anthropic")
  std::string upstream_model;  // what the provider is asked for
  std::shared_ptr<LlmProvider> provider;
  int max_retries = 2;
  std::vector<std::string> fallbacks;  // tried in order when this route keeps failing
  ContextLimits limits;
  std::optional<ModelPrice> price;  // calls of a model without one cost null
};

class ModelCatalog {
 public:
  // Fails on a duplicate name.
  Status add(ModelRoute route);
  // The default is the configured one, else the first model added.
  void set_default(std::string name) { default_model_ = std::move(name); }
  const std::string& default_model() const { return default_model_; }

  const ModelRoute* find(std::string_view name) const;
  // Sorted by name, only what `caller` may use.
  std::vector<const ModelRoute*> list_for(const Principal& caller) const;
  bool empty() const { return routes_.empty(); }

 private:
  std::map<std::string, ModelRoute, std::less<>> routes_;
  std::string default_model_;
};

}  // namespace agentd
