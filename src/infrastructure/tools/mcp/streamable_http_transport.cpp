#include "infrastructure/tools/mcp/streamable_http_transport.h"

#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <cctype>
#include <utility>

#include "infrastructure/logging/log.h"
#include "infrastructure/net/http_client.h"
#include "infrastructure/net/sse_parser.h"
#include "infrastructure/tools/mcp/json_rpc.h"

namespace agentd {
namespace {

namespace asio = boost::asio;
namespace json = boost::json;

constexpr std::size_t kMaxBodyBytes = std::size_t{16} * 1024 * 1024;
constexpr std::size_t kMaxQuotedErrorBytes = 300;
constexpr std::chrono::milliseconds kEndSessionTimeout{5'000};

Error transport_error(std::string message) {
  return {ErrorCode::bad_gateway, std::move(message), {}, "mcp_http_error"};
}

bool is_event_stream(const net::HttpResponseHead& head) {
  std::string type(head.header("content-type").value_or(""));
  std::transform(type.begin(), type.end(), type.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return type.starts_with("text/event-stream");
}

bool is_json_rpc_response(std::string_view text) {
  boost::system::error_code invalid;
  auto message = json::parse(text, invalid);
  return !invalid && json_rpc::kind_of(message) == json_rpc::Kind::response;
}

bool mentions_session(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text.find("session") != std::string::npos;
}

// The body of a buffered (not event-stream) answer, whole.
asio::awaitable<Result<std::string>> read_body(net::HttpStream& stream, std::size_t limit) {
  std::string body;
  for (;;) {
    auto piece = co_await stream.read();
    if (!piece) co_return piece.error();
    if (piece->empty()) co_return body;
    if (body.size() + piece->size() > limit) {
      co_return transport_error("the MCP server's answer is over " + std::to_string(limit) +
                                " bytes");
    }
    body += *piece;
  }
}

}  // namespace

StreamableHttpTransport::StreamableHttpTransport(asio::any_io_executor strand,
                                                 McpServerConfig config, net::HttpClient& http)
    : strand_(std::move(strand)),
      config_(std::move(config)),
      http_(http),
      arrived_(strand_, asio::steady_timer::time_point::max()) {}

asio::awaitable<Status> StreamableHttpTransport::open() {
  // Nothing to connect: every message is a request of its own.
  is_open_ = true;
  co_return ok_status();
}

asio::awaitable<Status> StreamableHttpTransport::send(json::value message) {
  if (!is_open_) co_return Error::unavailable(end_reason_, "mcp_unavailable");
  json::value initialize_id;
  if (json_rpc::kind_of(message) == json_rpc::Kind::request &&
      message.at("method").get_string() == "initialize") {
    initialize_id = message.at("id");
  }
  net::HttpRequest request{"POST", config_.url, {}, json::serialize(message)};
  for (const auto& [name, value] : config_.headers) request.headers.emplace_back(name, value);
  request.headers.emplace_back("Content-Type", "application/json");
  request.headers.emplace_back("Accept", "application/json, text/event-stream");
  if (session_id_) request.headers.emplace_back("Mcp-Session-Id", *session_id_);
  if (protocol_version_) request.headers.emplace_back("MCP-Protocol-Version", *protocol_version_);
  net::RequestOptions options;
  options.first_byte_timeout = config_.timeout;
  options.idle_timeout = config_.timeout;

  auto stream = co_await http_.stream(std::move(request), options);
  if (!stream) {
    // A server that cannot be reached is down: ending the connection lets it be made again.
    if (stream.error().code == "upstream_unreachable") end(stream.error().message);
    co_return stream.error();
  }
  const int status = stream->status();
  if (status == 404 && session_id_) {
    end("the server ended the session");
    co_return Error::unavailable("the MCP server ended the session", "mcp_unavailable");
  }
  if (status >= 200 && status < 300) {
    if (!initialize_id.is_null()) {
      if (auto id = stream->head().header("mcp-session-id")) session_id_ = std::string(*id);
    }
    co_return co_await read_answer(*stream, initialize_id);
  }
  auto body = co_await read_body(*stream, kMaxBodyBytes);
  // The spec says 404 for a session the server no longer knows (it restarted); servers built on
  // the TypeScript SDK's examples answer 400 "No valid session ID" instead.
  if (status == 400 && session_id_ && body && mentions_session(*body)) {
    end("the server no longer knows the session");
    co_return Error::unavailable("the MCP server no longer knows the session", "mcp_unavailable");
  }
  // An error status may still carry a JSON-RPC error for the request, which says most.
  if (body && is_json_rpc_response(*body)) co_return queue_message(*body, initialize_id);
  std::string quoted = body ? body->substr(0, kMaxQuotedErrorBytes) : std::string{};
  co_return transport_error("the MCP server answered HTTP " + std::to_string(status) +
                            (quoted.empty() ? "" : ": " + quoted));
}

asio::awaitable<Status> StreamableHttpTransport::read_answer(net::HttpStream& stream,
                                                             const json::value& initialize_id) {
  if (!is_event_stream(stream.head())) {
    auto body = co_await read_body(stream, kMaxBodyBytes);
    if (!body) co_return body.error();
    if (body->empty()) co_return ok_status();  // 202 Accepted for notifications and responses
    co_return queue_message(*body, initialize_id);
  }
  // An event carries one message, which may be as large as an answer sent as plain JSON.
  net::SseParser parser(kMaxBodyBytes);
  for (;;) {
    auto piece = co_await stream.read();
    if (!piece) co_return piece.error();
    if (piece->empty()) co_return ok_status();
    auto events = parser.feed(*piece);
    if (!events) co_return events.error();
    for (const auto& event : *events) {
      if (event.type() != "message") continue;
      if (auto queued = queue_message(event.data, initialize_id); !queued) co_return queued;
    }
  }
}

Status StreamableHttpTransport::queue_message(std::string_view text,
                                              const json::value& initialize_id) {
  boost::system::error_code invalid;
  auto message = json::parse(text, invalid);
  if (invalid) return transport_error("the MCP server sent a message that is not JSON");
  if (!initialize_id.is_null() && json_rpc::kind_of(message) == json_rpc::Kind::response &&
      message.at("id") == initialize_id) {
    // Later requests must name the version the handshake settled on.
    if (const auto* result = message.get_object().if_contains("result");
        result && result->is_object()) {
      if (const auto* version = result->get_object().if_contains("protocolVersion");
          version && version->is_string()) {
        protocol_version_ = std::string(version->get_string());
      }
    }
  }
  received_.push_back(std::move(message));
  arrived_.cancel();
  return ok_status();
}

asio::awaitable<Result<json::value>> StreamableHttpTransport::receive() {
  for (;;) {
    if (!received_.empty()) {
      auto message = std::move(received_.front());
      received_.pop_front();
      co_return message;
    }
    if (!is_open_) co_return Error::unavailable(end_reason_, "mcp_unavailable");
    arrived_.expires_at(asio::steady_timer::time_point::max());
    co_await arrived_.async_wait(asio::as_tuple(asio::use_awaitable));
  }
}

void StreamableHttpTransport::close() {
  if (!is_open_) return;
  if (session_id_) {
    net::HttpRequest request{"DELETE", config_.url, {}, {}};
    for (const auto& [name, value] : config_.headers) request.headers.emplace_back(name, value);
    request.headers.emplace_back("Mcp-Session-Id", *session_id_);
    if (protocol_version_) request.headers.emplace_back("MCP-Protocol-Version", *protocol_version_);
    asio::co_spawn(
        strand_,
        [&http = http_, request = std::move(request),
         server = config_.name]() mutable -> asio::awaitable<void> {
          net::RequestOptions options;
          options.connect_timeout = kEndSessionTimeout;
          options.first_byte_timeout = kEndSessionTimeout;
          auto ended = co_await http.request(std::move(request), options);
          // Servers may refuse (405) to end sessions on request; theirs expire on their own.
          log::debug("mcp_session_ended",
                     {{"server", server}, {"status", std::int64_t{ended ? ended->status : 0}}});
        },
        log::failure_handler("mcp_session_end_failed"));
    session_id_.reset();
  }
  end("the connection was closed");
}

void StreamableHttpTransport::end(std::string reason) {
  if (!is_open_) return;
  is_open_ = false;
  end_reason_ = std::move(reason);
  arrived_.cancel();
}

}  // namespace agentd
