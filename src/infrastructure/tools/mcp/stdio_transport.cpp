#include "infrastructure/tools/mcp/stdio_transport.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <utility>

#include "infrastructure/logging/log.h"
#include "infrastructure/tools/mcp/child_process.h"

namespace agentd {
namespace {

namespace asio = boost::asio;
namespace json = boost::json;

constexpr std::size_t kMaxLoggedLine = 2000;

// The server's stderr is its log; it is read to the end so the child never blocks on a full pipe.
asio::awaitable<void> drain_to_log(std::shared_ptr<asio::posix::stream_descriptor> pipe,
                                   std::string server_name) {
  std::string pending;
  char chunk[4096];
  for (;;) {
    auto [ec, n] =
        co_await pipe->async_read_some(asio::buffer(chunk), asio::as_tuple(asio::use_awaitable));
    if (ec) break;
    pending.append(chunk, n);
    for (auto end = pending.find('\n'); end != std::string::npos; end = pending.find('\n')) {
      auto line = std::string_view(pending).substr(0, std::min(end, kMaxLoggedLine));
      if (!line.empty()) log::debug("mcp_server_stderr", {{"server", server_name}, {"line", line}});
      pending.erase(0, end + 1);
    }
    if (pending.size() > kMaxLoggedLine) pending.clear();  // a line without end: drop it
  }
}

}  // namespace

StdioTransport::StdioTransport(asio::any_io_executor strand, McpServerConfig config)
    : strand_(std::move(strand)),
      config_(std::move(config)),
      writer_(std::make_shared<Writer>(strand_)),
      stdout_(strand_),
      stderr_(std::make_shared<asio::posix::stream_descriptor>(strand_)) {}

StdioTransport::~StdioTransport() { close(); }

asio::awaitable<Status> StdioTransport::open() {
  auto child = spawn_child(config_.command, config_.args, config_.env);
  if (!child) co_return child.error();
  pid_ = child->pid;
  writer_->pipe.assign(child->stdin_fd);
  stdout_.assign(child->stdout_fd);
  stderr_->assign(child->stderr_fd);
  log::info("mcp_server_started",
            {{"server", config_.name}, {"pid", static_cast<std::int64_t>(child->pid)}});
  asio::co_spawn(strand_, drain_to_log(stderr_, config_.name),
                 log::failure_handler("mcp_stderr_reader_failed"));
  co_return ok_status();
}

asio::awaitable<Status> StdioTransport::send(json::value message) {
  if (!writer_->pipe.is_open()) {
    co_return Error::unavailable("the server's stdin is closed", "mcp_unavailable");
  }
  // Serialized JSON escapes every newline, so one message is exactly one line.
  writer_->queue.push_back(json::serialize(message) + "\n");
  if (!writer_->is_writing) {
    writer_->is_writing = true;
    // Detached from the sender: a cancelled caller must not cut a message in half.
    asio::co_spawn(strand_, write_queued(writer_, config_.name),
                   log::failure_handler("mcp_writer_failed"));
  }
  co_return ok_status();
}

asio::awaitable<void> StdioTransport::write_queued(std::shared_ptr<Writer> writer,
                                                   std::string server_name) {
  while (!writer->queue.empty()) {
    auto [ec, n] = co_await asio::async_write(writer->pipe, asio::buffer(writer->queue.front()),
                                              asio::as_tuple(asio::use_awaitable));
    if (ec) {
      // The reader sees the child go and fails what is pending.
      log::debug("mcp_stdin_write_failed", {{"server", server_name}, {"error", ec.message()}});
      writer->queue.clear();
      break;
    }
    writer->queue.pop_front();
  }
  writer->is_writing = false;
}

asio::awaitable<Result<json::value>> StdioTransport::receive() {
  for (;;) {
    auto [ec, n] = co_await asio::async_read_until(
        stdout_, asio::dynamic_buffer(read_buffer_, kMaxMessageBytes), '\n',
        asio::as_tuple(asio::use_awaitable));
    if (ec == asio::error::not_found) {
      co_return Error::unavailable("the server sent a message over 16 MiB", "mcp_unavailable");
    }
    if (ec) {
      co_return Error::unavailable(
          ec == asio::error::eof ? "the server exited" : "reading from the server: " + ec.message(),
          "mcp_unavailable");
    }
    std::string line = read_buffer_.substr(0, n - 1);
    read_buffer_.erase(0, n);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    boost::system::error_code parse_error;
    auto message = json::parse(line, parse_error);
    if (!parse_error) co_return message;
    // stdout is for MCP messages only, but a stray print must not end the connection.
    log::warn("mcp_server_bad_line",
              {{"server", config_.name},
               {"line", std::string_view(line).substr(0, std::min(line.size(), kMaxLoggedLine))}});
  }
}

void StdioTransport::close() {
  boost::system::error_code ignored;
  // Closing stdin asks the server to exit; the reaper insists if it does not.
  writer_->pipe.close(ignored);
  stdout_.close(ignored);
  if (pid_) {
    reap_child(strand_, *pid_, config_.name);
    pid_.reset();
  }
}

}  // namespace agentd
