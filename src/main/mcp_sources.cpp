#include "main/mcp_sources.h"

#include "infrastructure/config/config.h"
#include "infrastructure/logging/log.h"

namespace agentd {
namespace {

Status readiness_of(const McpConnectionState& state) {
  switch (state.phase) {
    case McpConnectionState::Phase::ok:
      return ok_status();
    case McpConnectionState::Phase::connecting:
      return Error::unavailable("connecting");
    case McpConnectionState::Phase::unavailable:
      break;
  }
  return Error::unavailable("unavailable: " + state.reason);
}

}  // namespace

Result<std::vector<std::shared_ptr<McpToolSource>>> make_mcp_sources(
    const boost::asio::any_io_executor& executor, const std::vector<McpServerConfig>& servers,
    net::HttpClient& http) {
  std::vector<std::shared_ptr<McpToolSource>> sources;
  for (const auto& server : servers) {
    auto source = McpToolSource::create(executor, server, http);
    if (!source) {
      return config::config_error(source.error().message, "mcp_servers." + server.name);
    }
    sources.push_back(std::move(*source));
  }
  return sources;
}

void start_mcp_sources(const std::vector<std::shared_ptr<McpToolSource>>& sources,
                       ToolRegistry& tools) {
  for (const auto& source : sources) {
    source->start([&tools](std::vector<std::shared_ptr<Tool>> listed) {
      for (auto& tool : listed) {
        if (auto added = tools.add(tool); !added) {
          log::warn("mcp_tool_skipped", {{"error", added.error().message}});
        }
      }
    });
  }
}

std::vector<http::ReadinessCheck> mcp_readiness_checks(
    const std::vector<std::shared_ptr<McpToolSource>>& sources) {
  std::vector<http::ReadinessCheck> checks;
  for (const auto& source : sources) {
    checks.push_back(
        {"mcp:" + source->name(),
         [source]() -> boost::asio::awaitable<Status> { co_return readiness_of(source->state()); },
         false});
  }
  return checks;
}

}  // namespace agentd
