// agentd's own HTTP server with a test's routes, on a loopback port and a background thread:
// a real upstream for outbound HTTP tests.
#pragma once

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <cstdint>
#include <exception>
#include <string>
#include <string_view>
#include <thread>

#include "infrastructure/http/router.h"
#include "infrastructure/http/server.h"

namespace agentd {

class LocalHttpServer {
 public:
  explicit LocalHttpServer(http::Router router, http::ServerOptions options = {})
      : router_(std::move(router)),
        server_(io_, on_any_loopback_port(std::move(options)), router_) {
    port_ = server_.listen();
    server_.start();
    thread_ = std::thread([this] { io_.run(); });
  }

  // Handlers still sleeping (a slow upstream) are abandoned after a short drain.
  ~LocalHttpServer() {
    boost::asio::co_spawn(io_, server_.shutdown(std::chrono::milliseconds(200)),
                          [this](std::exception_ptr) { io_.stop(); });
    thread_.join();
  }

  LocalHttpServer(const LocalHttpServer&) = delete;
  LocalHttpServer& operator=(const LocalHttpServer&) = delete;

  std::uint16_t port() const { return port_; }
  std::string url(std::string_view path = "/") const {
    return "http://127.0.0.1:" + std::to_string(port_) + std::string(path);
  }

 private:
  static http::ServerOptions on_any_loopback_port(http::ServerOptions options) {
    options.host = "127.0.0.1";
    options.port = 0;
    return options;
  }

  boost::asio::io_context io_;
  http::Router router_;
  http::Server server_;
  std::uint16_t port_ = 0;
  std::thread thread_;
};

}  // namespace agentd
