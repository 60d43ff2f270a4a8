// Sends a streaming response (Server-Sent Events): chunked, flushed per piece, with
// heartbeats, and the producer cancelled the moment the client disconnects.
#pragma once

#include <chrono>
#include <cstdint>

#include <boost/asio/awaitable.hpp>
#include <boost/beast/core/tcp_stream.hpp>

#include "infrastructure/http/http_message.h"

namespace agentd::http {

// Returns the number of body bytes sent. `write_timeout` bounds each write, so a client that
// stops reading cannot hold the stream forever.
boost::asio::awaitable<std::int64_t> send_streaming(boost::beast::tcp_stream& stream,
                                                    Response response, unsigned version,
                                                    std::chrono::milliseconds write_timeout);

}  // namespace agentd::http
