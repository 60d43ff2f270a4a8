#include "main/models.h"

#include <algorithm>

#include "application/chat/metered_provider.h"
#include "infrastructure/llm/anthropic_provider.h"
#include "infrastructure/llm/openai_provider.h"

namespace agentd {
namespace {

constexpr std::string_view kOpenAiBaseUrl = "https://api.openai.com/v1";
constexpr std::string_view kAnthropicBaseUrl = "https://api.anthropic.com/v1";

std::shared_ptr<LlmProvider> make_provider(const std::string& provider,
                                           llm::ProviderEndpoint endpoint,
                                           net::HttpClient& client) {
  if (provider == "anthropic") {
    return std::make_shared<llm::AnthropicProvider>(client, std::move(endpoint));
  }
  return std::make_shared<llm::OpenAiProvider>(client, std::move(endpoint));
}

// With metrics on, each call to the provider is measured under the model's name.
struct Metering {
  std::shared_ptr<Metrics> metrics;
  const Clock& clock;
};

Status add(ModelCatalog& catalog, ModelRoute route, const Metering& metering) {
  if (metering.metrics) {
    route.provider = std::make_shared<MeteredProvider>(std::move(route.provider), metering.metrics,
                                                       metering.clock, route.name, route.owned_by);
  }
  if (auto added = catalog.add(std::move(route)); !added) {
    return config::config_error(added.error().message, "models");
  }
  return ok_status();
}

std::string or_default(const std::string& value, std::string_view fallback) {
  return value.empty() ? std::string(fallback) : value;
}

// A model offered without a configuration file when its provider's key is set.
struct ZeroConfigModel {
  std::string name;
  std::string provider;
  std::string upstream;
  std::string api_key;
  std::string base_url;
};

}  // namespace

Result<std::vector<std::string>> add_configured_models(ModelCatalog& catalog,
                                                       const config::FileConfig& file,
                                                       const config::ModelEnvironment& environment,
                                                       net::HttpClient& client,
                                                       std::shared_ptr<Metrics> metrics,
                                                       const Clock& clock) {
  const Metering metering{std::move(metrics), clock};
  std::vector<std::string> warnings;
  for (const auto& model : file.models) {
    llm::ProviderEndpoint endpoint;
    endpoint.base_url = or_default(
        model.base_url, model.provider == "anthropic" ? kAnthropicBaseUrl : kOpenAiBaseUrl);
    endpoint.api_key = model.api_key;
    if (!model.api_key_env.empty() && model.api_key.empty()) {
      warnings.push_back("model " + model.name + ": " + model.api_key_env + " is not set");
    }
    endpoint.timeout = model.timeout;
    auto limits = default_context_limits(model.model);
    if (model.context_window > 0) limits.context_window = model.context_window;
    // A window set smaller than the family's keeps room for a prompt.
    limits.max_output_tokens = model.max_output_tokens > 0
                                   ? model.max_output_tokens
                                   : std::min(limits.max_output_tokens, limits.context_window / 2);
    std::optional<ModelPrice> price;
    if (model.input_per_million && model.output_per_million) {
      price = ModelPrice{*model.input_per_million, *model.output_per_million,
                         model.cached_input_per_million};
    }
    auto added = add(catalog,
                     {model.name, model.provider, model.model,
                      make_provider(model.provider, std::move(endpoint), client), model.max_retries,
                      model.fallbacks, limits, std::move(price)},
                     metering);
    if (!added) return std::move(added).take_error();
  }
  // Zero-config defaults, unless the file already names a model of the same name.
  const ZeroConfigModel defaults[] = {
      {"gpt-4o-mini", "openai", "gpt-4o-mini", environment.openai_api_key,
       or_default(environment.openai_base_url, kOpenAiBaseUrl)},
      {"claude-haiku", "anthropic", "claude-3-5-haiku-latest", environment.anthropic_api_key,
       or_default(environment.anthropic_base_url, kAnthropicBaseUrl)},
  };
  for (const auto& model : defaults) {
    if (model.api_key.empty() || catalog.find(model.name)) continue;
    llm::ProviderEndpoint endpoint{model.base_url, model.api_key, std::chrono::seconds(60)};
    auto added = add(catalog,
                     {model.name,
                      model.provider,
                      model.upstream,
                      make_provider(model.provider, std::move(endpoint), client),
                      2,
                      {},
                      default_context_limits(model.upstream),
                      std::nullopt},  // no price: prices change, and the file says them
                     metering);
    if (!added) return std::move(added).take_error();
  }
  const auto default_model = or_default(environment.default_model, file.default_model);
  if (!default_model.empty()) {
    if (!catalog.find(default_model)) {
      return config::config_error("default model " + default_model + " is not configured",
                                  "default_model");
    }
    catalog.set_default(default_model);
  }
  return warnings;
}

}  // namespace agentd
