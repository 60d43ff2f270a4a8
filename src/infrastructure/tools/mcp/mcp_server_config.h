// One MCP server agentd takes tools from, as the `mcp_servers` list of the config file gives it.
#pragma once

#include <chrono>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace agentd {

// Whether a server's tools need a person's approval (`requires_approval` in the config file).
enum class McpApproval {
  never,             // false
  always,            // true
  unless_read_only,  // auto: only tools the server annotates readOnlyHint: true run unasked
};

struct McpServerConfig {
  std::string name;  // tools appear as <name>__<tool>

  // A stdio server: spawned with these arguments; `env` is added to agentd's environment.
  std::string command;
  std::vector<std::string> args;
  std::map<std::string, std::string> env;

  // A Streamable HTTP server: its endpoint and extra request headers (e.g. Authorization).
  std::string url;
  std::map<std::string, std::string> headers;

  McpApproval requires_approval = McpApproval::never;
  // Per remote tool (by the server's own name for it), overriding `requires_approval`.
  std::map<std::string, bool> tool_requires_approval;
  // Remote tools (by the server's name for them) safe to run again after a replica died.
  std::set<std::string> idempotent_tools;
  // Per call, and per request of the handshake.
  std::chrono::milliseconds timeout{60'000};
};

}  // namespace agentd
