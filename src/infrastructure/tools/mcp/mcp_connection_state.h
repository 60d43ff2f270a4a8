// How the connection to one MCP server stands, as GET /ready reports it.
#pragma once

#include <string>

namespace agentd {

struct McpConnectionState {
  enum class Phase {
    connecting,   // no attempt has ended yet
    ok,           // connected, tools listed
    unavailable,  // the last attempt failed or the connection dropped; retrying unless stopped
  };
  Phase phase = Phase::connecting;
  std::string reason;  // why it is unavailable
};

}  // namespace agentd
