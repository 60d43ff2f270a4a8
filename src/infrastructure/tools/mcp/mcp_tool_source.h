// The tools of one MCP server: the connection kept up, the handshake, the listing, the calls.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "application/ports/tool.h"
#include "domain/common/result.h"
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

  // Connects, initializes and lists the server's tools, once. From then on the connection is
  // kept up: when it drops it is made again after 0.5 s, doubling up to 30 s while attempts
  // fail. Fails when the first connection does.
  boost::asio::awaitable<Status> start();
  // One Tool per remote tool, as listed by start().
  std::vector<std::shared_ptr<Tool>> tools();
  // tools/call of a remote tool by its name on the server. While the server is down this is a
  // tool_error saying so; a timeout is gateway_timeout "tool_timeout".
  boost::asio::awaitable<Result<boost::json::value>> call_tool(std::string remote_name,
                                                               boost::json::object arguments,
                                                               std::chrono::milliseconds timeout);
  // Ends the connection for good (a stdio server is asked to exit, then stopped).
  void stop();

 private:
  struct RemoteTool {
    std::string remote_name;
    ToolSpec spec;
  };

  McpToolSource(boost::asio::any_io_executor strand, McpServerConfig config,
                McpTransportFactory make_transport);

  boost::asio::awaitable<Status> start_on_strand();
  boost::asio::awaitable<Status> connect();
  boost::asio::awaitable<Result<std::vector<RemoteTool>>> list_tools();
  boost::asio::awaitable<void> keep_connected();
  boost::asio::awaitable<Result<boost::json::value>> call_on_strand(
      std::string remote_name, boost::json::object arguments, std::chrono::milliseconds timeout);
  RemoteTool describe(const std::string& remote_name, const boost::json::object& tool) const;
  Error unavailable(const std::string& reason) const;

  boost::asio::any_io_executor strand_;  // every member below is used on it
  McpServerConfig config_;
  McpTransportFactory make_transport_;
  std::shared_ptr<JsonRpcSession> session_;
  std::vector<RemoteTool> remote_tools_;
  bool is_stopping_ = false;
  boost::asio::steady_timer retry_timer_;
};

}  // namespace agentd
