#include "infrastructure/tools/mcp/mcp_tool.h"

#include "infrastructure/tools/mcp/mcp_tool_source.h"

namespace agentd {

boost::asio::awaitable<Result<boost::json::value>> McpTool::execute(boost::json::object arguments,
                                                                    const ToolContext&) {
  co_return co_await source_->call_tool(remote_name_, std::move(arguments), spec_.timeout);
}

}  // namespace agentd
