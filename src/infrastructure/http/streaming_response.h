// Sends a streaming response (Server-Sent Events): chunked, flushed per piece, with
// heartbeats, and the producer cancelled the moment the client disconnects.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <chrono>
#include <cstdint>

#include "infrastructure/http/http_message.h"
#include "infrastructure/http/response_head.h"
#include "infrastructure/net/socket_watchdog.h"

namespace agentd::http {

struct StreamOutcome {
  std::int64_t bytes = 0;  // body bytes sent
  bool complete = false;   // every piece and the last chunk went out, the client still there
};

// `write_timeout` bounds each write, through the connection's `watchdog`, so a client that
// stops reading cannot hold the stream forever. While it streams, whatever the client sends
// is read into `incoming` (the connection's buffer), so a kept-alive connection loses no byte
// of its next request.
boost::asio::awaitable<StreamOutcome> send_streaming(boost::beast::tcp_stream& stream,
                                                     net::SocketWatchdog& watchdog,
                                                     Response response, unsigned version,
                                                     KeepAlive keep_alive,
                                                     boost::beast::flat_buffer& incoming,
                                                     std::chrono::milliseconds write_timeout);

}  // namespace agentd::http
