// MCP over Streamable HTTP: each message POSTed, answers read from a JSON body or an SSE stream.
#pragma once

#include <boost/asio/steady_timer.hpp>
#include <deque>
#include <optional>
#include <string>

#include "infrastructure/tools/mcp/mcp_server_config.h"
#include "infrastructure/tools/mcp/mcp_transport.h"

namespace agentd::net {
class HttpClient;
struct HttpResponseHead;
class HttpStream;
}  // namespace agentd::net

namespace agentd {

class StreamableHttpTransport : public McpTransport {
 public:
  // `http` must outlive the transport. The session closes it before letting it go.
  StreamableHttpTransport(boost::asio::any_io_executor strand, McpServerConfig config,
                          net::HttpClient& http);

  boost::asio::awaitable<Status> open() override;
  // Returns once the server's whole answer to `message` has been read and queued.
  boost::asio::awaitable<Status> send(boost::json::value message) override;
  boost::asio::awaitable<Result<boost::json::value>> receive() override;
  // Also ends the server's session (DELETE), without waiting for its answer.
  void close() override;

 private:
  boost::asio::awaitable<Status> read_answer(net::HttpStream& stream,
                                             const boost::json::value& initialize_id);
  Status queue_message(std::string_view text, const boost::json::value& initialize_id);
  void end(std::string reason);

  boost::asio::any_io_executor strand_;
  McpServerConfig config_;
  net::HttpClient& http_;
  std::optional<std::string> session_id_;        // Mcp-Session-Id from initialize
  std::optional<std::string> protocol_version_;  // negotiated by initialize
  std::deque<boost::json::value> received_;
  boost::asio::steady_timer arrived_;
  bool is_open_ = false;
  std::string end_reason_;
};

}  // namespace agentd
