// MCP over a child process's stdio: newline-delimited JSON on stdin and stdout, stderr logged.
#pragma once

#include <sys/types.h>

#include <boost/asio/posix/stream_descriptor.hpp>
#include <deque>
#include <memory>
#include <optional>
#include <string>

#include "infrastructure/tools/mcp/mcp_server_config.h"
#include "infrastructure/tools/mcp/mcp_transport.h"

namespace agentd {

class StdioTransport : public McpTransport {
 public:
  // A message longer than this ends the connection rather than agentd's memory.
  static constexpr std::size_t kMaxMessageBytes = std::size_t{16} * 1024 * 1024;

  StdioTransport(boost::asio::any_io_executor strand, McpServerConfig config);
  ~StdioTransport() override;

  boost::asio::awaitable<Status> open() override;
  boost::asio::awaitable<Status> send(boost::json::value message) override;
  boost::asio::awaitable<Result<boost::json::value>> receive() override;
  void close() override;

 private:
  // Shared with the writer coroutine, which may still be finishing after the transport is gone.
  struct Writer {
    explicit Writer(const boost::asio::any_io_executor& strand) : pipe(strand) {}
    boost::asio::posix::stream_descriptor pipe;
    std::deque<std::string> queue;
    bool is_writing = false;
  };

  static boost::asio::awaitable<void> write_queued(std::shared_ptr<Writer> writer,
                                                   std::string server_name);

  boost::asio::any_io_executor strand_;
  McpServerConfig config_;
  std::optional<pid_t> pid_;
  std::shared_ptr<Writer> writer_;
  boost::asio::posix::stream_descriptor stdout_;
  std::shared_ptr<boost::asio::posix::stream_descriptor> stderr_;
  std::string read_buffer_;
};

}  // namespace agentd
