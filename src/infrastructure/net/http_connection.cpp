#include "infrastructure/net/http_connection.h"

#include <sys/socket.h>

#include <cerrno>

namespace agentd::net {
namespace {

namespace asio = boost::asio;
using asio::ip::tcp;

asio::ip::address peer_address(const tcp::socket& socket) {
  boost::system::error_code ec;
  auto endpoint = socket.remote_endpoint(ec);
  return ec ? asio::ip::address{} : endpoint.address();
}

}  // namespace

HttpConnection::HttpConnection(tcp::socket socket)
    : remote_address_(peer_address(socket)),
      stream_(std::in_place_type<tcp::socket>, std::move(socket)) {}

HttpConnection::HttpConnection(tcp::socket socket, asio::ssl::context& tls)
    : remote_address_(peer_address(socket)),
      stream_(std::in_place_type<TlsStream>, std::move(socket), tls) {}

tcp::socket& HttpConnection::socket() {
  if (auto* plain = std::get_if<tcp::socket>(&stream_)) return *plain;
  return std::get<TlsStream>(stream_).next_layer();
}

bool HttpConnection::is_still_open() {
  char byte = 0;
  // One non-blocking peek: a live connection loses nothing, and only "nothing to read yet"
  // means open and idle. MSG_DONTWAIT spares switching the socket's mode twice around it.
  const auto n = ::recv(socket().native_handle(), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
  return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
}

}  // namespace agentd::net
