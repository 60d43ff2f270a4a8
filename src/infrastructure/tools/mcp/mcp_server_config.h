// One MCP server agentd takes tools from, as the `mcp_servers` list of the config file gives it.
#pragma once

#include <chrono>
#include <map>
#include <string>
#include <vector>

namespace agentd {

struct McpServerConfig {
  std::string name;  // tools appear as <name>__<tool>

  // A stdio server: spawned with these arguments; `env` is added to agentd's environment.
  std::string command;
  std::vector<std::string> args;
  std::map<std::string, std::string> env;

  // A Streamable HTTP server: its endpoint and extra request headers (e.g. Authorization).
  std::string url;
  std::map<std::string, std::string> headers;

  bool requires_approval = false;
  // Per remote tool (by the server's own name for it), overriding `requires_approval`.
  std::map<std::string, bool> tool_requires_approval;
  // Per call, and per request of the handshake.
  std::chrono::milliseconds timeout{60'000};
};

}  // namespace agentd
