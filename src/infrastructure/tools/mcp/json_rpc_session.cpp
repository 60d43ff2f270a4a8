#include "infrastructure/tools/mcp/json_rpc_session.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/system/system_error.hpp>
#include <exception>
#include <utility>

#include "infrastructure/logging/log.h"
#include "infrastructure/tools/mcp/json_rpc.h"

namespace agentd {
namespace {

namespace asio = boost::asio;
namespace json = boost::json;

std::optional<std::int64_t> id_of(const json::value& id) {
  if (id.is_int64()) return id.get_int64();
  if (id.is_uint64()) return static_cast<std::int64_t>(id.get_uint64());
  return std::nullopt;  // we only send integer ids, so anything else is not ours
}

Error server_error(const json::value& error) {
  std::string message = "the server answered with an error";
  if (const auto* object = error.if_object()) {
    if (const auto* text = object->if_contains("message"); text && text->is_string()) {
      message = text->get_string();
    }
  }
  return {ErrorCode::bad_gateway, std::move(message), {}, JsonRpcSession::kServerError};
}

}  // namespace

JsonRpcSession::JsonRpcSession(asio::any_io_executor strand,
                               std::unique_ptr<McpTransport> transport, std::string server_name)
    : strand_(std::move(strand)),
      transport_(std::move(transport)),
      server_name_(std::move(server_name)),
      closed_signal_(strand_, asio::steady_timer::time_point::max()) {}

asio::awaitable<Status> JsonRpcSession::open() {
  auto opened = co_await transport_->open();
  if (!opened) {
    finish(opened.error().message);
    co_return opened;
  }
  is_open_ = true;
  asio::co_spawn(
      strand_, [self = shared_from_this()]() { return self->read_until_closed(); },
      log::failure_handler("mcp_reader_failed"));
  co_return ok_status();
}

asio::awaitable<void> JsonRpcSession::read_until_closed() {
  std::string reason = "the connection ended";
  try {
    for (;;) {
      auto message = co_await transport_->receive();
      if (!message) {
        reason = message.error().message;
        break;
      }
      if (const auto* batch = message->if_array()) {
        for (const auto& item : *batch) dispatch(item);
      } else {
        dispatch(*message);
      }
    }
  } catch (const std::exception& e) {
    reason = e.what();
  }
  finish(reason);
}

void JsonRpcSession::dispatch(const json::value& message) {
  switch (json_rpc::kind_of(message)) {
    case json_rpc::Kind::response:
      settle(message.get_object());
      break;
    case json_rpc::Kind::request:
      answer(message.get_object());
      break;
    case json_rpc::Kind::notification:
      log::debug("mcp_notification",
                 {{"server", server_name_}, {"method", message.at("method").get_string()}});
      break;
    case json_rpc::Kind::invalid:
      log::warn("mcp_invalid_message", {{"server", server_name_}});
      break;
  }
}

void JsonRpcSession::settle(const json::object& response) {
  auto id = id_of(response.at("id"));
  auto it = id ? pending_.find(*id) : pending_.end();
  if (it == pending_.end()) {
    // A response to a request given up on (timed out or cancelled) lands here.
    log::debug("mcp_unmatched_response", {{"server", server_name_}});
    return;
  }
  auto& pending = *it->second;
  if (pending.outcome) return;
  if (const auto* error = response.if_contains("error")) {
    pending.outcome = server_error(*error);
  } else {
    pending.outcome = response.at("result");
  }
  pending.wake.cancel();
}

void JsonRpcSession::answer(const json::object& request) {
  const auto& id = request.at("id");
  // agentd offers the server no client features (sampling, roots, elicitation); ping is the one
  // request every MCP party must answer.
  if (request.at("method").get_string() == "ping") {
    send_detached(json_rpc::result_response(id, json::object{}));
  } else {
    send_detached(json_rpc::error_response(id, json_rpc::kMethodNotFound, "Method not found"));
  }
}

void JsonRpcSession::send_detached(json::object message) {
  asio::co_spawn(
      strand_,
      [self = shared_from_this(), message = std::move(message)]() mutable -> asio::awaitable<void> {
        auto sent = co_await self->transport_->send(std::move(message));
        if (!sent) {
          log::debug("mcp_send_failed",
                     {{"server", self->server_name_}, {"error", sent.error().message}});
        }
      },
      log::failure_handler("mcp_send_failed"));
}

asio::awaitable<Result<json::value>> JsonRpcSession::request(std::string method,
                                                             json::object params,
                                                             std::chrono::milliseconds timeout) {
  if (!is_open_) co_return closed_error(close_reason_);
  const auto id = next_id_++;
  auto pending = std::make_shared<Pending>(strand_);
  pending->wake.expires_after(timeout);
  pending_.emplace(id, pending);

  bool is_cancelled = false;
  try {
    auto sent = co_await transport_->send(json_rpc::request(id, method, std::move(params)));
    // A transport cut short by the cancellation reports its own error; the cause is ours.
    auto cancellation = co_await asio::this_coro::cancellation_state;
    is_cancelled = cancellation.cancelled() != asio::cancellation_type::none;
    if (!sent && !is_cancelled && !pending->outcome) pending->outcome = sent.error();
    if (!is_cancelled && !pending->outcome) {
      auto [ec] = co_await pending->wake.async_wait(asio::as_tuple(asio::use_awaitable));
      is_cancelled = ec == asio::error::operation_aborted;
    }
  } catch (const boost::system::system_error& e) {
    // A cancelled coroutine throws from its next wait; only cancellation is expected here.
    if (e.code() != asio::error::operation_aborted) throw;
    is_cancelled = true;
  }
  pending_.erase(id);
  if (pending->outcome) co_return std::move(*pending->outcome);

  // Spawned, not awaited: a cancelled coroutine must return at once, and any further wait in
  // it would throw.
  const char* reason = is_cancelled ? "the caller cancelled the request" : "timed out";
  // MCP forbids cancelling initialize; a session whose handshake failed is closed instead.
  if (method != "initialize") {
    send_detached(json_rpc::notification("notifications/cancelled",
                                         json::object{{"requestId", id}, {"reason", reason}}));
  }
  if (is_cancelled) {
    co_return Error{ErrorCode::unavailable, method + " was cancelled", {}, kCancelled};
  }
  co_return Error{ErrorCode::gateway_timeout,
                  "MCP server " + server_name_ + " did not answer " + method + " within " +
                      std::to_string(timeout.count()) + " ms",
                  {},
                  kTimeout};
}

asio::awaitable<Status> JsonRpcSession::notify(std::string method, json::object params) {
  if (!is_open_) co_return closed_error(close_reason_);
  co_return co_await transport_->send(json_rpc::notification(method, std::move(params)));
}

void JsonRpcSession::close() {
  if (!is_open_) return;
  is_open_ = false;
  close_reason_ = "the connection was closed";
  // The reader sees the transport end and finishes the session.
  transport_->close();
}

asio::awaitable<void> JsonRpcSession::wait_closed() {
  if (is_finished_) co_return;
  co_await closed_signal_.async_wait(asio::as_tuple(asio::use_awaitable));
}

void JsonRpcSession::finish(const std::string& reason) {
  if (is_finished_) return;
  is_open_ = false;
  is_finished_ = true;
  if (close_reason_.empty()) close_reason_ = reason;
  for (auto& [id, pending] : pending_) {
    if (pending->outcome) continue;
    pending->outcome = closed_error(close_reason_);
    pending->wake.cancel();
  }
  transport_->close();
  closed_signal_.cancel();
}

Error JsonRpcSession::closed_error(const std::string& reason) const {
  return Error{ErrorCode::unavailable,
               "MCP server " + server_name_ +
                   " is unavailable: " + (reason.empty() ? std::string("not connected") : reason),
               {},
               kClosed};
}

}  // namespace agentd
