// A JSON-RPC 2.0 conversation with one MCP server: requests matched to their responses by id.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "domain/common/result.h"
#include "infrastructure/tools/mcp/mcp_transport.h"

namespace agentd {

// Lives as long as its connection: the reader keeps it alive until the transport ends.
// Every member runs on `strand`.
class JsonRpcSession : public std::enable_shared_from_this<JsonRpcSession> {
 public:
  // Error::code of the failures of request() that are not the server's own error.
  static constexpr const char* kServerError = "mcp_error";  // message as the server sent it
  static constexpr const char* kClosed = "mcp_unavailable";
  static constexpr const char* kTimeout = "mcp_timeout";
  static constexpr const char* kCancelled = "mcp_cancelled";

  JsonRpcSession(boost::asio::any_io_executor strand, std::unique_ptr<McpTransport> transport,
                 std::string server_name);

  // Opens the transport and starts reading from it.
  boost::asio::awaitable<Status> open();
  // Sends a request and waits for its result. When `timeout` passes or the awaiting coroutine
  // is cancelled first, the server is told with notifications/cancelled.
  boost::asio::awaitable<Result<boost::json::value>> request(std::string method,
                                                             boost::json::object params,
                                                             std::chrono::milliseconds timeout);
  boost::asio::awaitable<Status> notify(std::string method, boost::json::object params);

  bool is_open() const { return is_open_; }
  // Ends the connection; waiting requests fail with kClosed.
  void close();
  // Completes once the connection has ended, whoever ended it.
  boost::asio::awaitable<void> wait_closed();

 private:
  struct Pending {
    explicit Pending(const boost::asio::any_io_executor& strand) : wake(strand) {}
    boost::asio::steady_timer wake;  // expires at the deadline; cancelled when an outcome is set
    std::optional<Result<boost::json::value>> outcome;
  };

  boost::asio::awaitable<void> read_until_closed();
  void dispatch(const boost::json::value& message);
  void settle(const boost::json::object& response);
  void answer(const boost::json::object& request);
  void send_detached(boost::json::object message);
  void finish(const std::string& reason);
  Error closed_error(const std::string& reason) const;

  boost::asio::any_io_executor strand_;
  std::unique_ptr<McpTransport> transport_;
  std::string server_name_;
  std::int64_t next_id_ = 1;
  std::map<std::int64_t, std::shared_ptr<Pending>> pending_;
  bool is_open_ = false;
  bool is_finished_ = false;
  std::string close_reason_;
  boost::asio::steady_timer closed_signal_;
};

}  // namespace agentd
