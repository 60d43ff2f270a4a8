// The optional YAML configuration file (AGENTD_CONFIG): models, tools and MCP servers.
// Unknown keys are warnings; a wrong type is an error naming the key.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "domain/common/result.h"
#include "infrastructure/tools/builtin/web_search_settings.h"
#include "infrastructure/tools/mcp/mcp_server_config.h"

namespace agentd::config {

struct ModelConfig {
  std::string name;      // public name clients send
  std::string provider;  // "openai" (any OpenAI-compatible API) or "anthropic"
  std::string model;     // upstream model id
  std::string base_url;
  std::string api_key_env;  // the variable holding the key, never the key
  std::string api_key;      // that variable's value, read once at start; empty when unset
  std::chrono::milliseconds timeout{60'000};
  int max_retries = 2;
  std::vector<std::string> fallbacks;
  // Tokens; 0: the model family's published limits (or a conservative default).
  std::int64_t context_window = 0;
  std::int64_t max_output_tokens = 0;
  // USD per million tokens; a model without them records its calls' cost as null.
  std::optional<double> input_per_million;
  std::optional<double> output_per_million;
  std::optional<double> cached_input_per_million;  // else cached tokens cost as input
};

// Settings every builtin tool accepts.
struct ToolSettings {
  bool enabled = true;
  bool requires_approval = false;
  bool idempotent = false;
  std::optional<std::chrono::milliseconds> timeout;
};

struct WebSearchSettings : WebSearchProviderSettings {
  ToolSettings tool;
};

struct HttpGetSettings {
  ToolSettings tool;
  std::vector<std::string> allow_hosts;  // empty: http_get is not offered
};

struct FileConfig {
  std::string default_model;
  std::vector<ModelConfig> models;
  ToolSettings calculator;
  ToolSettings current_time;
  WebSearchSettings web_search;
  HttpGetSettings http_get;
  std::vector<McpServerConfig> mcp_servers;
  std::vector<std::string> warnings;  // unknown keys, for the log
};

// `lookup` resolves ${VAR} references in strings.
Result<FileConfig> load_file_config(
    const std::string& path,
    const std::function<std::optional<std::string>(std::string_view)>& lookup);
Result<FileConfig> parse_file_config(
    const std::string& yaml_text,
    const std::function<std::optional<std::string>(std::string_view)>& lookup);

}  // namespace agentd::config
