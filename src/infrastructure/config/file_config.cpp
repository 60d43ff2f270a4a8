#include "infrastructure/config/file_config.h"

#include <yaml-cpp/yaml.h>

#include <fstream>
#include <set>
#include <sstream>

#include "infrastructure/config/config.h"

namespace agentd::config {
namespace {

using Lookup = std::function<std::optional<std::string>(std::string_view)>;

// A wrong type anywhere is reported with the key's path ("models[0].timeout_ms").
struct ConfigError {
  std::string message;
};

[[noreturn]] void fail(const std::string& path, const std::string& expected) {
  throw ConfigError{path + ": expected " + expected};
}

class Reader {
 public:
  Reader(const Lookup& lookup, std::vector<std::string>& warnings)
      : lookup_(lookup), warnings_(warnings) {}

  // Replaces ${VAR} with the variable's value (empty when unset).
  std::string expand(const std::string& text) const {
    std::string out;
    for (std::size_t i = 0; i < text.size();) {
      if (text.compare(i, 2, "${") == 0) {
        auto end = text.find('}', i + 2);
        if (end != std::string::npos) {
          out += lookup_(std::string_view(text).substr(i + 2, end - i - 2)).value_or("");
          i = end + 1;
          continue;
        }
      }
      out += text[i++];
    }
    return out;
  }

  // The value of an environment variable a setting names; empty when unset.
  std::string variable(const std::string& name) const { return lookup_(name).value_or(""); }

  std::string string(const YAML::Node& node, const std::string& path) const {
    if (!node.IsScalar()) fail(path, "a string");
    return expand(node.Scalar());
  }

  bool boolean(const YAML::Node& node, const std::string& path) const {
    bool value = false;
    if (!node.IsScalar() || !YAML::convert<bool>::decode(node, value)) fail(path, "true or false");
    return value;
  }

  long integer(const YAML::Node& node, const std::string& path, long min, long max) const {
    long value = 0;
    if (!node.IsScalar() || !YAML::convert<long>::decode(node, value) || value < min ||
        value > max) {
      fail(path, "an integer from " + std::to_string(min) + " to " + std::to_string(max));
    }
    return value;
  }

  double price(const YAML::Node& node, const std::string& path) const {
    double value = 0;
    if (!node.IsScalar() || !YAML::convert<double>::decode(node, value) || !(value >= 0) ||
        value > 1e6) {
      fail(path, "a price in USD from 0 to 1000000");
    }
    return value;
  }

  std::vector<std::string> strings(const YAML::Node& node, const std::string& path) const {
    if (!node.IsSequence()) fail(path, "a list of strings");
    std::vector<std::string> items;
    for (std::size_t i = 0; i < node.size(); ++i) {
      items.push_back(string(node[i], path + "[" + std::to_string(i) + "]"));
    }
    return items;
  }

  std::map<std::string, std::string> string_map(const YAML::Node& node,
                                                const std::string& path) const {
    if (!node.IsMap()) fail(path, "a map of strings");
    std::map<std::string, std::string> items;
    for (const auto& item : node) {
      auto key = item.first.as<std::string>();
      items[key] = string(item.second, path + "." + key);
    }
    return items;
  }

  // Calls `visit(key, value)` for each entry of a map, warning about keys not in `known`.
  template <typename Visit>
  void each(const YAML::Node& node, const std::string& path, const std::set<std::string>& known,
            Visit visit) const {
    if (!node.IsMap()) fail(path.empty() ? "(top level)" : path, "a map");
    for (const auto& item : node) {
      auto key = item.first.as<std::string>();
      const auto key_path = path.empty() ? key : path + "." + key;
      if (!known.empty() && !known.contains(key)) {
        warnings_.push_back("unknown key " + key_path + " is ignored");
        continue;
      }
      visit(key, item.second, key_path);
    }
  }

 private:
  const Lookup& lookup_;
  std::vector<std::string>& warnings_;
};

std::chrono::milliseconds timeout(const Reader& read, const YAML::Node& node,
                                  const std::string& path) {
  return std::chrono::milliseconds(read.integer(node, path, 1, 3'600'000));
}

void read_tool_setting(const Reader& read, const std::string& key, const YAML::Node& value,
                       const std::string& path, ToolSettings& tool) {
  if (key == "enabled") tool.enabled = read.boolean(value, path);
  if (key == "requires_approval") tool.requires_approval = read.boolean(value, path);
  if (key == "idempotent") tool.idempotent = read.boolean(value, path);
  if (key == "timeout_ms") tool.timeout = timeout(read, value, path);
}

const std::set<std::string> kToolKeys = {"enabled", "requires_approval", "idempotent",
                                         "timeout_ms"};

std::set<std::string> with_tool_keys(std::set<std::string> keys) {
  keys.insert(kToolKeys.begin(), kToolKeys.end());
  return keys;
}

ModelConfig read_model(const Reader& read, const YAML::Node& node, const std::string& path) {
  ModelConfig model;
  read.each(node, path,
            {"name", "provider", "model", "base_url", "api_key_env", "timeout_ms", "max_retries",
             "fallbacks", "context_window", "max_output_tokens", "input_per_million",
             "output_per_million", "cached_input_per_million"},
            [&](const std::string& key, const YAML::Node& value, const std::string& key_path) {
              if (key == "name") model.name = read.string(value, key_path);
              if (key == "provider") model.provider = read.string(value, key_path);
              if (key == "model") model.model = read.string(value, key_path);
              if (key == "base_url") model.base_url = read.string(value, key_path);
              if (key == "api_key_env") model.api_key_env = read.string(value, key_path);
              if (key == "timeout_ms") model.timeout = timeout(read, value, key_path);
              if (key == "max_retries")
                model.max_retries = static_cast<int>(read.integer(value, key_path, 0, 10));
              if (key == "fallbacks") model.fallbacks = read.strings(value, key_path);
              if (key == "context_window")
                model.context_window = read.integer(value, key_path, 256, 100'000'000);
              if (key == "max_output_tokens")
                model.max_output_tokens = read.integer(value, key_path, 1, 10'000'000);
              if (key == "input_per_million") model.input_per_million = read.price(value, key_path);
              if (key == "output_per_million")
                model.output_per_million = read.price(value, key_path);
              if (key == "cached_input_per_million")
                model.cached_input_per_million = read.price(value, key_path);
            });
  if (model.name.empty()) fail(path + ".name", "a model name");
  if (model.provider != "openai" && model.provider != "anthropic") {
    fail(path + ".provider", "openai or anthropic");
  }
  if (model.model.empty()) model.model = model.name;
  if (model.context_window > 0 && model.max_output_tokens >= model.context_window) {
    fail(path + ".max_output_tokens", "fewer tokens than context_window");
  }
  // Half a price would count the other half as free.
  if (model.input_per_million.has_value() != model.output_per_million.has_value() ||
      (model.cached_input_per_million && !model.input_per_million)) {
    fail(path + (model.input_per_million ? ".output_per_million" : ".input_per_million"),
         "input_per_million and output_per_million together");
  }
  if (!model.api_key_env.empty()) model.api_key = read.variable(model.api_key_env);
  return model;
}

McpApproval mcp_approval(const YAML::Node& node, const std::string& path) {
  if (node.IsScalar() && node.Scalar() == "auto") return McpApproval::unless_read_only;
  bool value = false;
  if (!node.IsScalar() || !YAML::convert<bool>::decode(node, value)) {
    fail(path, "true, false or auto");
  }
  return value ? McpApproval::always : McpApproval::never;
}

McpServerConfig read_mcp_server(const Reader& read, const YAML::Node& node,
                                const std::string& path) {
  McpServerConfig server;
  read.each(node, path,
            {"name", "command", "args", "env", "url", "headers", "requires_approval", "tools",
             "timeout_ms"},
            [&](const std::string& key, const YAML::Node& value, const std::string& key_path) {
              if (key == "name") server.name = read.string(value, key_path);
              if (key == "command") server.command = read.string(value, key_path);
              if (key == "args") server.args = read.strings(value, key_path);
              if (key == "env") server.env = read.string_map(value, key_path);
              if (key == "url") server.url = read.string(value, key_path);
              if (key == "headers") server.headers = read.string_map(value, key_path);
              if (key == "requires_approval")
                server.requires_approval = mcp_approval(value, key_path);
              if (key == "timeout_ms") server.timeout = timeout(read, value, key_path);
              if (key == "tools") {
                read.each(value, key_path, {},
                          [&](const std::string& tool, const YAML::Node& settings,
                              const std::string& tool_path) {
                            read.each(settings, tool_path, {"requires_approval", "idempotent"},
                                      [&](const std::string& flag_name, const YAML::Node& flag,
                                          const std::string& flag_path) {
                                        const bool on = read.boolean(flag, flag_path);
                                        if (flag_name == "idempotent") {
                                          if (on) server.idempotent_tools.insert(tool);
                                        } else {
                                          server.tool_requires_approval[tool] = on;
                                        }
                                      });
                          });
              }
            });
  if (server.name.empty() || server.name.find("__") != std::string::npos) {
    fail(path + ".name", "a server name without \"__\"");
  }
  if (server.command.empty() == server.url.empty()) {
    fail(path, "exactly one of command (stdio) or url (Streamable HTTP)");
  }
  return server;
}

// SearXNG needs no key; Brave and Tavily read theirs from a conventional variable.
std::string default_key_variable(const std::string& search_provider) {
  if (search_provider == "brave") return "BRAVE_API_KEY";
  if (search_provider == "tavily") return "TAVILY_API_KEY";
  return {};
}

void read_tools(const Reader& read, const YAML::Node& node, FileConfig& config) {
  read.each(
      node, "tools", {"calculator", "current_time", "web_search", "http_get"},
      [&](const std::string& tool, const YAML::Node& settings, const std::string& path) {
        if (tool == "calculator" || tool == "current_time") {
          auto& target = tool == "calculator" ? config.calculator : config.current_time;
          read.each(
              settings, path, kToolKeys,
              [&](const std::string& key, const YAML::Node& value, const std::string& key_path) {
                read_tool_setting(read, key, value, key_path, target);
              });
        } else if (tool == "web_search") {
          auto& search = config.web_search;
          read.each(
              settings, path, with_tool_keys({"provider", "base_url", "api_key_env"}),
              [&](const std::string& key, const YAML::Node& value, const std::string& key_path) {
                read_tool_setting(read, key, value, key_path, search.tool);
                if (key == "provider") search.provider = read.string(value, key_path);
                if (key == "base_url") search.base_url = read.string(value, key_path);
                if (key == "api_key_env") search.api_key_env = read.string(value, key_path);
              });
          if (!search.provider.empty() && search.provider != "searxng" &&
              search.provider != "brave" && search.provider != "tavily") {
            fail(path + ".provider", "searxng, brave or tavily");
          }
          if (search.api_key_env.empty())
            search.api_key_env = default_key_variable(search.provider);
          if (!search.api_key_env.empty()) search.api_key = read.variable(search.api_key_env);
        } else {
          read.each(
              settings, path, with_tool_keys({"allow_hosts"}),
              [&](const std::string& key, const YAML::Node& value, const std::string& key_path) {
                read_tool_setting(read, key, value, key_path, config.http_get.tool);
                if (key == "allow_hosts")
                  config.http_get.allow_hosts = read.strings(value, key_path);
              });
        }
      });
}

}  // namespace

Result<FileConfig> parse_file_config(const std::string& yaml_text, const Lookup& lookup) {
  FileConfig config;
  try {
    const YAML::Node root = YAML::Load(yaml_text);
    if (!root || root.IsNull()) return config;
    Reader read(lookup, config.warnings);
    read.each(root, "", {"default_model", "models", "tools", "mcp_servers"},
              [&](const std::string& key, const YAML::Node& value, const std::string& path) {
                if (key == "default_model") config.default_model = read.string(value, path);
                if (key == "tools") read_tools(read, value, config);
                if (key == "models" || key == "mcp_servers") {
                  if (!value.IsSequence()) fail(path, "a list");
                  for (std::size_t i = 0; i < value.size(); ++i) {
                    const auto item_path = path + "[" + std::to_string(i) + "]";
                    if (key == "models") {
                      config.models.push_back(read_model(read, value[i], item_path));
                    } else {
                      config.mcp_servers.push_back(read_mcp_server(read, value[i], item_path));
                    }
                  }
                }
              });
  } catch (const ConfigError& e) {
    return config_error(e.message, "AGENTD_CONFIG");
  } catch (const YAML::Exception& e) {
    return config_error(std::string("not valid YAML: ") + e.what(), "AGENTD_CONFIG");
  }
  return config;
}

Result<FileConfig> load_file_config(const std::string& path, const Lookup& lookup) {
  std::ifstream file(path);
  if (!file) {
    return config_error("cannot read " + path, "AGENTD_CONFIG");
  }
  std::stringstream text;
  text << file.rdbuf();
  auto config = parse_file_config(text.str(), lookup);
  if (!config) {
    auto error = std::move(config).take_error();
    error.message = path + ": " + error.message;
    return error;
  }
  return config;
}

}  // namespace agentd::config
