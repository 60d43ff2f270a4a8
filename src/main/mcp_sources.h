// The configured MCP servers as tool sources: each connects in the background, its tools join
// the registry once listed, and /ready tells how each stands.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <memory>
#include <vector>

#include "application/tools/tool_registry.h"
#include "infrastructure/config/file_config.h"
#include "infrastructure/http/handlers/health_handlers.h"
#include "infrastructure/net/http_client.h"
#include "infrastructure/tools/mcp/mcp_tool_source.h"

namespace agentd {

// One source per server, none started yet; a configuration error names the server at fault.
Result<std::vector<std::shared_ptr<McpToolSource>>> make_mcp_sources(
    const boost::asio::any_io_executor& executor, const std::vector<McpServerConfig>& servers,
    net::HttpClient& http);

// Starts connecting every source; a server's tools are added to `tools` as soon as it lists
// them, however long that takes. `tools` must outlive the sources' executor's run.
void start_mcp_sources(const std::vector<std::shared_ptr<McpToolSource>>& sources,
                       ToolRegistry& tools);

// Informational, one per source, named "mcp:<server>": "connecting", "ok" or
// "unavailable: <reason>". A server still connecting does not hold readiness.
std::vector<http::ReadinessCheck> mcp_readiness_checks(
    const std::vector<std::shared_ptr<McpToolSource>>& sources);

}  // namespace agentd
