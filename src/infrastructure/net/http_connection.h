// One open connection to an origin, plain TCP or TLS, used by one exchange at a time.
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <utility>
#include <variant>

namespace agentd::net {

class HttpConnection {
 public:
  using TlsStream = boost::asio::ssl::stream<boost::asio::ip::tcp::socket>;

  explicit HttpConnection(boost::asio::ip::tcp::socket socket);
  // TLS over `socket`; the handshake is still to be done through tls_stream().
  HttpConnection(boost::asio::ip::tcp::socket socket, boost::asio::ssl::context& tls);

  // Calls `use` with the stream requests are written to and responses read from.
  template <typename F>
  decltype(auto) with_stream(F&& use) {
    return std::visit(std::forward<F>(use), stream_);
  }

  TlsStream& tls_stream() { return std::get<TlsStream>(stream_); }
  boost::asio::ip::tcp::socket& socket();
  const boost::asio::ip::address& remote_address() const { return remote_address_; }

  // False when the peer closed the connection, or sent bytes nobody asked for, while it
  // waited in the pool: such a connection would fail the next request sent on it.
  bool is_still_open();

 private:
  boost::asio::ip::address remote_address_;  // first: read from the socket before it moves
  std::variant<boost::asio::ip::tcp::socket, TlsStream> stream_;
};

}  // namespace agentd::net
