#include "infrastructure/net/http_connection.h"

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
  auto& raw = socket();
  boost::system::error_code ec;
  raw.non_blocking(true, ec);
  if (ec) return false;
  char byte = 0;
  // Peek, so a live connection loses nothing; only "nothing to read yet" means open and idle.
  raw.receive(asio::buffer(&byte, 1), tcp::socket::message_peek, ec);
  const bool is_open = ec == asio::error::would_block;
  boost::system::error_code ignored;
  raw.non_blocking(false, ignored);
  return is_open;
}

}  // namespace agentd::net
