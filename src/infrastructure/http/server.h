// The HTTP/1.1 server: accepts connections, reads requests under limits and timeouts,
// dispatches through the router, and drains in-flight requests on shutdown.
#pragma once

#include <atomic>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <set>
#include <string>

#include "infrastructure/http/router.h"
#include "infrastructure/http/server_observer.h"

namespace agentd::http {

struct ServerOptions {
  std::string host = "127.0.0.1";
  std::uint16_t port = 8080;
  std::size_t max_body_bytes = 1024 * 1024;
  std::chrono::milliseconds header_timeout{10'000};  // to receive a whole request
  std::chrono::milliseconds idle_timeout{60'000};    // between requests on a kept-alive connection
  unsigned threads = 1;                              // how many threads run the io_context
  ServerObserver* observer = nullptr;                // metrics, when they are on
};

class Server {
 public:
  Server(boost::asio::io_context& io, ServerOptions options, const Router& router);
  ~Server();

  // Binds and listens; throws on failure (address in use, bad host). Returns the bound port.
  std::uint16_t listen();
  void start();

  // Stops accepting, closes idle connections and waits for in-flight requests to finish
  // (at most `deadline`); completes when no connection is left or the deadline passed.
  boost::asio::awaitable<void> shutdown(std::chrono::milliseconds deadline);

  struct Connection;

 private:
  boost::asio::awaitable<void> accept_loop();
  // Serves an accepted connection in a coroutine of its own.
  void adopt(boost::asio::ip::tcp::socket socket);
  boost::asio::awaitable<void> serve(std::shared_ptr<Connection> connection);
  boost::asio::awaitable<Response> dispatch(Request& request);

  boost::asio::io_context& io_;
  ServerOptions options_;
  const Router& router_;
  boost::asio::ip::tcp::acceptor acceptor_;
  std::atomic<bool> stopping_{false};
  std::mutex connections_mutex_;
  std::set<std::shared_ptr<Connection>> connections_;
};

}  // namespace agentd::http
