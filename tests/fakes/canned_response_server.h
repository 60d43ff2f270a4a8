// Answers each request with the same fixed bytes, sent in a single write, so a test controls
// exactly what a client finds in its buffer at once (several chunks, or a malformed one).
#pragma once

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <cstdint>
#include <string>
#include <thread>

namespace agentd {

class CannedResponseServer {
 public:
  explicit CannedResponseServer(std::string response)
      : response_(std::move(response)),
        acceptor_(io_, {boost::asio::ip::make_address("127.0.0.1"), 0}) {
    boost::asio::co_spawn(io_, accept_loop(), boost::asio::detached);
    thread_ = std::thread([this] { io_.run(); });
  }

  ~CannedResponseServer() {
    io_.stop();
    thread_.join();
  }

  std::string url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(acceptor_.local_endpoint().port()) + path;
  }

 private:
  using tcp = boost::asio::ip::tcp;
  static constexpr auto kToken = boost::asio::as_tuple(boost::asio::use_awaitable);

  boost::asio::awaitable<void> accept_loop() {
    for (;;) {
      auto [ec, peer] = co_await acceptor_.async_accept(kToken);
      if (ec) co_return;
      boost::asio::co_spawn(io_, answer(std::move(peer)), boost::asio::detached);
    }
  }

  // Kept open after the answer, as a kept-alive connection would be.
  boost::asio::awaitable<void> answer(tcp::socket peer) {
    std::string request;
    for (;;) {
      auto [read_ec, n] = co_await boost::asio::async_read_until(
          peer, boost::asio::dynamic_buffer(request), "\r\n\r\n", kToken);
      if (read_ec) co_return;
      request.erase(0, n);
      auto [write_ec, written] =
          co_await boost::asio::async_write(peer, boost::asio::buffer(response_), kToken);
      if (write_ec) co_return;
    }
  }

  const std::string response_;
  boost::asio::io_context io_;
  tcp::acceptor acceptor_;
  std::thread thread_;
};

}  // namespace agentd
