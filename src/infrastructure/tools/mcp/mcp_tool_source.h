// The tools of one MCP server: the connection kept up, the handshake, the listing, the calls.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "application/ports/tool.h"
#include "domain/common/result.h"
#include "infrastructure/tools/mcp/mcp_connection_state.h"
#include "infrastructure/tools/mcp/mcp_server_config.h"
#include "infrastructure/tools/mcp/mcp_transport.h"

namespace agentd::net {
class HttpClient;
}

namespace agentd {

class JsonRpcSession;

class McpToolSource : public std::enable_shared_from_this<McpToolSource> {
 public:
  static constexpr std::chrono::milliseconds kFirstRetryDelay{500};
  static constexpr std::chrono::milliseconds kMaxRetryDelay{30'000};

  // Fails when the config is unusable: a name that cannot prefix tool names, neither or both
  // of command and url, a bad url, a timeout that is not positive. `http` serves url servers
  // and must outlive the source.
  static Result<std::shared_ptr<McpToolSource>> create(const boost::asio::any_io_executor& executor,
                                                       McpServerConfig config,
                                                       net::HttpClient& http);
  // The same over the transports `make_transport` makes.
  static Result<std::shared_ptr<McpToolSource>> create(const boost::asio::any_io_executor& executor,
                                                       McpServerConfig config,
                                                       McpTransportFactory make_transport);

  // Hands over the server's tools, once, as soon as they are listed.
  using ToolsListed = std::function<void(std::vector<std::shared_ptr<Tool>>)>;

  // Connects, initializes and lists the server's tools in the background; `on_listed` runs on
  // the source's strand. The connection is then kept up. Every failed attempt, the first
  // included, is retried after 0.5 s, doubling up to 30 s while attempts fail.
  void start(ToolsListed on_listed);
  // Safe from any thread.
  McpConnectionState state() const;
  const std::string& name() const { return config_.name; }
  // tools/call of a remote tool by its name on the server. While the server is down this is a
  // tool_error saying so; a timeout is gateway_timeout "tool_timeout".
  boost::asio::awaitable<Result<boost::json::value>> call_tool(std::string remote_name,
                                                               boost::json::object arguments,
                                                               std::chrono::milliseconds timeout);
  // Ends the connection for good, or the attempt to make one (a stdio server is asked to
  // exit, then stopped). Completes once the source has stopped trying.
  boost::asio::awaitable<void> stop();

 private:
  struct RemoteTool {
    std::string remote_name;
    ToolSpec spec;
  };

  McpToolSource(boost::asio::any_io_executor strand, McpServerConfig config,
                McpTransportFactory make_transport);

  // `self` keeps the source alive for as long as it runs.
  boost::asio::awaitable<void> run(std::shared_ptr<McpToolSource> self, ToolsListed on_listed);
  // Until stopped: connects, hands the tools over once, reconnects when the connection drops.
  boost::asio::awaitable<void> keep_connected(ToolsListed on_listed);
  boost::asio::awaitable<Status> connect_and_list();
  boost::asio::awaitable<Status> connect();
  boost::asio::awaitable<Status> initialize(std::shared_ptr<JsonRpcSession> session);
  boost::asio::awaitable<Result<std::vector<RemoteTool>>> list_tools();
  std::vector<std::shared_ptr<Tool>> tools();
  boost::asio::awaitable<Result<boost::json::value>> call_on_strand(
      std::string remote_name, boost::json::object arguments, std::chrono::milliseconds timeout);
  RemoteTool describe(const std::string& remote_name, const boost::json::object& tool) const;
  Error unavailable(const std::string& reason) const;
  void set_state(McpConnectionState::Phase phase, std::string reason);
  boost::asio::awaitable<void> stop_on_strand();

  boost::asio::any_io_executor strand_;
  const McpServerConfig config_;  // never changes, so any thread may read it
  // Used on the strand only.
  McpTransportFactory make_transport_;
  std::shared_ptr<JsonRpcSession> session_;              // initialized: calls go through it
  std::shared_ptr<JsonRpcSession> connecting_;           // not yet initialized: stop() ends it too
  std::optional<std::vector<RemoteTool>> remote_tools_;  // listed once, kept across reconnections
  bool is_stopping_ = false;
  bool is_running_ = false;
  boost::asio::steady_timer retry_timer_;
  boost::asio::steady_timer run_ended_;  // never expires: cancelled when run() ends

  mutable std::mutex state_mutex_;  // state_ is read by /ready from any thread
  McpConnectionState state_;
};

}  // namespace agentd
