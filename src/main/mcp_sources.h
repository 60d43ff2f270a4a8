// Connects the configured MCP servers and registers their tools, before the server accepts
// requests; a server that cannot be reached at start is logged and skipped.
#pragma once

#include <memory>
#include <vector>

#include <boost/asio/io_context.hpp>

#include "application/tools/tool_registry.h"
#include "infrastructure/config/file_config.h"
#include "infrastructure/net/http_client.h"
#include "infrastructure/tools/mcp/mcp_tool_source.h"

namespace agentd {

// Runs `io` until every server answered or failed. Throws on a configuration error.
std::vector<std::shared_ptr<McpToolSource>> start_mcp_sources(
    boost::asio::io_context& io, const std::vector<McpServerConfig>& servers,
    net::HttpClient& http, ToolRegistry& tools);

}  // namespace agentd
