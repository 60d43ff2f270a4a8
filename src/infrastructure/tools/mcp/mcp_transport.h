// How JSON-RPC messages travel to and from one MCP server: a child's stdio, or HTTP.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/json/value.hpp>
#include <functional>
#include <memory>

#include "domain/common/result.h"

namespace agentd {

// Every member is called on the strand the transport was made for, never concurrently with
// itself (send may overlap receive).
class McpTransport {
 public:
  virtual ~McpTransport() = default;
  // Starts the connection (spawns the child; nothing for HTTP, whose requests stand alone).
  virtual boost::asio::awaitable<Status> open() = 0;
  // Sends one message. Whatever the server answers arrives through receive().
  virtual boost::asio::awaitable<Status> send(boost::json::value message) = 0;
  // The next message from the server (an object, or an array for a batch); an error once the
  // connection is gone for good.
  virtual boost::asio::awaitable<Result<boost::json::value>> receive() = 0;
  // Ends the connection; a waiting receive() completes with an error.
  virtual void close() = 0;
};

// Makes a fresh transport, bound to `strand`, for each (re)connection.
using McpTransportFactory =
    std::function<std::unique_ptr<McpTransport>(boost::asio::any_io_executor strand)>;

}  // namespace agentd
