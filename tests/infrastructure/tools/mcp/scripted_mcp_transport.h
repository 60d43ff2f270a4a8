// An MCP transport whose server is a script in the test: it sees every message the client
// sends and decides what comes back.
#pragma once

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json.hpp>
#include <deque>
#include <functional>
#include <memory>
#include <vector>

#include "infrastructure/tools/mcp/mcp_transport.h"

namespace agentd {

class ScriptedMcpTransport;

// Shared by the test and every transport made from it (one per connection).
struct ScriptedMcpServer {
  // The messages to send back for one the client sent.
  std::function<std::vector<boost::json::value>(const boost::json::object&)> on_message =
      [](const boost::json::object&) { return std::vector<boost::json::value>{}; };
  std::vector<boost::json::object> received;  // everything the client sent, in order
  int connections = 0;
  ScriptedMcpTransport* live = nullptr;

  // Messages the server sends on its own, on the live connection.
  void push(boost::json::value message);
  // The server goes away: the live connection ends.
  void disconnect();
  // The messages received with this method.
  std::vector<boost::json::object> received_with(std::string_view method) const {
    std::vector<boost::json::object> found;
    for (const auto& message : received) {
      const auto* m = message.if_contains("method");
      if (m && m->is_string() && m->get_string() == method) found.push_back(message);
    }
    return found;
  }

  McpTransportFactory factory();
};

class ScriptedMcpTransport : public McpTransport {
 public:
  ScriptedMcpTransport(boost::asio::any_io_executor strand,
                       std::shared_ptr<ScriptedMcpServer> server)
      : server_(std::move(server)),
        arrived_(strand, boost::asio::steady_timer::time_point::max()) {}
  ~ScriptedMcpTransport() override { close(); }

  boost::asio::awaitable<Status> open() override {
    ++server_->connections;
    server_->live = this;
    is_open_ = true;
    co_return ok_status();
  }

  boost::asio::awaitable<Status> send(boost::json::value message) override {
    if (!is_open_) co_return Error::unavailable("closed", "mcp_unavailable");
    server_->received.push_back(message.as_object());
    for (auto& reply : server_->on_message(message.as_object())) deliver(std::move(reply));
    co_return ok_status();
  }

  boost::asio::awaitable<Result<boost::json::value>> receive() override {
    for (;;) {
      if (!inbox_.empty()) {
        auto message = std::move(inbox_.front());
        inbox_.pop_front();
        co_return message;
      }
      if (!is_open_)
        co_return Error::unavailable("the scripted server went away", "mcp_unavailable");
      arrived_.expires_at(boost::asio::steady_timer::time_point::max());
      co_await arrived_.async_wait(boost::asio::as_tuple(boost::asio::use_awaitable));
    }
  }

  void close() override {
    is_open_ = false;
    if (server_->live == this) server_->live = nullptr;
    arrived_.cancel();
  }

  void deliver(boost::json::value message) {
    inbox_.push_back(std::move(message));
    arrived_.cancel();
  }

 private:
  std::shared_ptr<ScriptedMcpServer> server_;
  std::deque<boost::json::value> inbox_;
  boost::asio::steady_timer arrived_;
  bool is_open_ = false;
};

inline void ScriptedMcpServer::push(boost::json::value message) {
  if (live != nullptr) live->deliver(std::move(message));
}

inline void ScriptedMcpServer::disconnect() {
  if (live != nullptr) live->close();
}

inline McpTransportFactory ScriptedMcpServer::factory() {
  // The test owns the server; transports only borrow it.
  std::shared_ptr<ScriptedMcpServer> borrowed(this, [](ScriptedMcpServer*) {});
  return [borrowed](boost::asio::any_io_executor strand) -> std::unique_ptr<McpTransport> {
    return std::make_unique<ScriptedMcpTransport>(std::move(strand), borrowed);
  };
}

inline boost::json::value response_to(const boost::json::object& request,
                                      boost::json::value result) {
  return boost::json::object{
      {"jsonrpc", "2.0"}, {"id", request.at("id")}, {"result", std::move(result)}};
}

}  // namespace agentd
