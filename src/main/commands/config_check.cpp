// `agentd config check`: the environment's settings and the configuration file, loaded and
// checked as serve would before it touches a database (the models, the tools, the MCP servers,
// the Redis URL), then every setting in effect, with secrets masked. Nothing is connected to.
#include <boost/asio/io_context.hpp>
#include <cstdio>
#include <string>
#include <vector>

#include "application/chat/model_catalog.h"
#include "application/tools/tool_registry.h"
#include "infrastructure/config/effective_settings.h"
#include "infrastructure/net/http_client.h"
#include "infrastructure/redis/redis_client.h"
#include "infrastructure/time/system_clock.h"
#include "infrastructure/tools/valijson_schema_compiler.h"
#include "main/builtin_tools.h"
#include "main/commands/command.h"
#include "main/commands/startup.h"
#include "main/mcp_sources.h"
#include "main/models.h"

namespace agentd {
namespace {

// What serve refuses after parsing, built and thrown away: answers the warnings (a model whose
// key variable is unset), or the configuration error.
Result<std::vector<std::string>> check_buildable(const config::Config& config,
                                                 const config::FileConfig& file) {
  if (!config.redis_url.empty()) {
    if (auto url = redis::parse_redis_url(config.redis_url); !url) {
      return config::config_error(url.error().message, "AGENTD_REDIS_URL");
    }
  }
  // Never run: the MCP servers' sources are made, not started.
  boost::asio::io_context io;
  net::HttpClient http;
  ModelCatalog models;
  SystemClock clock;
  // Unmetered: nothing is called.
  auto warnings = add_configured_models(models, file, config.models, http, nullptr, clock);
  if (!warnings) return warnings;
  ValijsonSchemaCompiler schemas;
  ToolRegistry tools(schemas);
  if (auto registered = register_builtin_tools(tools, file, clock, http); !registered) {
    return std::move(registered).take_error();
  }
  if (auto sources = make_mcp_sources(io.get_executor(), file.mcp_servers, http); !sources) {
    return std::move(sources).take_error();
  }
  return warnings;
}

int check_config(const Settings& settings) {
  auto warnings = check_buildable(settings.config, settings.file);
  if (!warnings) return report_config_error(warnings.error());
  for (const auto& warning : settings.file.warnings) report("warning: " + warning, kExitOk);
  for (const auto& warning : *warnings) report("warning: " + warning, kExitOk);
  bool first = true;
  for (const auto& group : config::effective_settings(settings.config, settings.file)) {
    if (group.settings.empty()) continue;
    std::printf("%s[%s]\n", first ? "" : "\n", group.name.c_str());
    first = false;
    for (const auto& [name, value] : group.settings) {
      std::printf("%s = %s\n", name.c_str(), value.c_str());
    }
  }
  return kExitOk;
}

}  // namespace

void add_config_commands(CLI::App& app, Commands& commands) {
  auto* config = app.add_subcommand("config", "inspect the configuration");
  config->require_subcommand(1);
  auto* check = config->add_subcommand(
      "check",
      "check the environment and AGENTD_CONFIG as serve would, without connecting anywhere, "
      "and print every setting in effect (secrets masked); exit 2 when invalid");
  commands.push_back({check, Needs::configuration, check_config});
}

}  // namespace agentd
