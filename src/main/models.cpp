#include "main/models.h"

#include <stdexcept>

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

void add(ModelCatalog& catalog, ModelRoute route) {
  if (auto added = catalog.add(std::move(route)); !added) {
    throw std::runtime_error(added.error().message);
  }
}

}  // namespace

std::vector<std::string> add_configured_models(ModelCatalog& catalog,
                                               const config::FileConfig& file,
                                               const config::EnvLookup& env,
                                               net::HttpClient& client) {
  std::vector<std::string> warnings;
  for (const auto& model : file.models) {
    llm::ProviderEndpoint endpoint;
    endpoint.base_url = !model.base_url.empty() ? model.base_url
                        : model.provider == "anthropic" ? std::string(kAnthropicBaseUrl)
                                                        : std::string(kOpenAiBaseUrl);
    if (!model.api_key_env.empty()) {
      endpoint.api_key = env(model.api_key_env).value_or("");
      if (endpoint.api_key.empty()) {
        warnings.push_back("model " + model.name + ": " + model.api_key_env + " is not set");
      }
    }
    endpoint.timeout = model.timeout;
    add(catalog, {model.name, model.provider, model.model,
                  make_provider(model.provider, std::move(endpoint), client), model.max_retries,
                  model.fallbacks});
  }
  // Zero-config defaults, unless the file already names a model of the same name.
  if (auto key = env("OPENAI_API_KEY"); key && !catalog.find("gpt-4o-mini")) {
    llm::ProviderEndpoint endpoint{env("OPENAI_BASE_URL").value_or(std::string(kOpenAiBaseUrl)),
                                   *key, std::chrono::seconds(60)};
    add(catalog, {"gpt-4o-mini", "openai", "gpt-4o-mini",
                  make_provider("openai", std::move(endpoint), client), 2, {}});
  }
  if (auto key = env("ANTHROPIC_API_KEY"); key && !catalog.find("claude-haiku")) {
    llm::ProviderEndpoint endpoint{
        env("ANTHROPIC_BASE_URL").value_or(std::string(kAnthropicBaseUrl)), *key,
        std::chrono::seconds(60)};
    add(catalog, {"claude-haiku", "anthropic", "claude-3-5-haiku-latest",
                  make_provider("anthropic", std::move(endpoint), client), 2, {}});
  }
  auto default_model = env("AGENTD_DEFAULT_MODEL").value_or(file.default_model);
  if (!default_model.empty()) {
    if (!catalog.find(default_model)) {
      throw std::runtime_error("default model " + default_model + " is not configured");
    }
    catalog.set_default(default_model);
  }
  return warnings;
}

}  // namespace agentd
