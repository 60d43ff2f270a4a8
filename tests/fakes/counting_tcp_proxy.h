// Forwards loopback TCP connections to a target port and counts them, so a test can see how
// many connections a client really opened.
#pragma once

#include <array>
#include <atomic>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <cstdint>
#include <thread>

namespace agentd {

class CountingTcpProxy {
 public:
  explicit CountingTcpProxy(std::uint16_t target_port)
      : target_port_(target_port), acceptor_(io_, {boost::asio::ip::make_address("127.0.0.1"), 0}) {
    boost::asio::co_spawn(io_, accept_loop(), boost::asio::detached);
    thread_ = std::thread([this] { io_.run(); });
  }

  ~CountingTcpProxy() {
    io_.stop();
    thread_.join();
  }

  std::uint16_t port() const { return acceptor_.local_endpoint().port(); }
  int connections() const { return connections_; }

 private:
  using tcp = boost::asio::ip::tcp;
  static constexpr auto kToken = boost::asio::as_tuple(boost::asio::use_awaitable);

  boost::asio::awaitable<void> accept_loop() {
    for (;;) {
      auto [ec, client] = co_await acceptor_.async_accept(kToken);
      if (ec) co_return;
      ++connections_;
      boost::asio::co_spawn(io_, relay(std::move(client)), boost::asio::detached);
    }
  }

  // Either side closing ends the relay and closes both, as a real peer's close would.
  boost::asio::awaitable<void> relay(tcp::socket client) {
    using namespace boost::asio::experimental::awaitable_operators;
    tcp::socket upstream(io_);
    auto [ec] = co_await upstream.async_connect(
        {boost::asio::ip::make_address("127.0.0.1"), target_port_}, kToken);
    if (ec) co_return;
    co_await (pipe(client, upstream) || pipe(upstream, client));
  }

  static boost::asio::awaitable<void> pipe(tcp::socket& from, tcp::socket& to) {
    std::array<char, 16 * 1024> buffer;
    for (;;) {
      auto [read_ec, n] = co_await from.async_read_some(boost::asio::buffer(buffer), kToken);
      if (read_ec) co_return;
      auto [write_ec, written] =
          co_await boost::asio::async_write(to, boost::asio::buffer(buffer.data(), n), kToken);
      if (write_ec) co_return;
    }
  }

  const std::uint16_t target_port_;
  boost::asio::io_context io_;
  tcp::acceptor acceptor_;
  std::atomic<int> connections_{0};
  std::thread thread_;
};

}  // namespace agentd
