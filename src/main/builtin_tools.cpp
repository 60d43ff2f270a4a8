#include "main/builtin_tools.h"

#include "infrastructure/config/config.h"
#include "infrastructure/tools/builtin/calculator_tool.h"
#include "infrastructure/tools/builtin/current_time_tool.h"
#include "infrastructure/tools/builtin/http_get_tool.h"
#include "infrastructure/tools/builtin/web_search_tool.h"

namespace agentd {
namespace {

ToolSpec with_settings(ToolSpec spec, const config::ToolSettings& settings) {
  spec.requires_approval = settings.requires_approval;
  spec.idempotent = settings.idempotent;
  if (settings.timeout) spec.timeout = *settings.timeout;
  return spec;
}

}  // namespace

Status register_builtin_tools(ToolRegistry& tools, const config::FileConfig& file,
                              const Clock& clock, net::HttpClient& http) {
  std::vector<std::shared_ptr<Tool>> enabled;
  if (file.calculator.enabled) {
    enabled.push_back(std::make_shared<CalculatorTool>(
        with_settings(CalculatorTool::default_spec(), file.calculator)));
  }
  if (file.current_time.enabled) {
    enabled.push_back(std::make_shared<CurrentTimeTool>(
        with_settings(CurrentTimeTool::default_spec(), file.current_time), clock));
  }
  if (file.web_search.tool.enabled) {
    auto search = make_web_search_tool(
        with_settings(WebSearchTool::default_spec(), file.web_search.tool), file.web_search, http);
    if (!search) return config::config_error(search.error().message, "tools.web_search");
    if (*search) enabled.emplace_back(std::move(*search));
  }
  if (file.http_get.tool.enabled && !file.http_get.allow_hosts.empty()) {
    enabled.push_back(std::make_shared<HttpGetTool>(
        with_settings(HttpGetTool::default_spec(file.http_get.allow_hosts), file.http_get.tool),
        http, HttpGetRules{file.http_get.allow_hosts}));
  }
  for (auto& tool : enabled) {
    const auto name = tool->spec().name;
    if (auto added = tools.add(std::move(tool)); !added) {
      return config::config_error(added.error().message, "tools." + name);
    }
  }
  return ok_status();
}

}  // namespace agentd
