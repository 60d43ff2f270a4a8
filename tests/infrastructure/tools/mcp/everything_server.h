// The reference MCP server (@modelcontextprotocol/server-everything, installed by scripts/setup
// under tests/node) and an io_context thread to talk to it from a test.
#pragma once

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <future>
#include <optional>
#include <string>
#include <thread>
#include <type_traits>
#include <vector>

#include "infrastructure/tools/mcp/child_process.h"
#include "infrastructure/tools/mcp/mcp_server_config.h"
#include "infrastructure/tools/mcp/mcp_tool_source.h"

namespace agentd::testing {

inline std::filesystem::path node_packages_dir() {
  // tests/node, named by the build: __FILE__ may be relative to wherever the compiler ran.
  return std::filesystem::path(AGENTD_TESTS_DIR) / "node";
}

inline std::filesystem::path everything_entry_point() {
  return node_packages_dir() / "node_modules" / "@modelcontextprotocol" / "server-everything" /
         "dist" / "index.js";
}

// Skips the calling test when the npm packages are not installed, or fails it under
// scripts/test (AGENTD_TESTS_REQUIRE_NODE), which installs them: a skip there would hide a gap.
#define SKIP_WITHOUT_EVERYTHING_SERVER()                                                       \
  if (!std::filesystem::exists(::agentd::testing::everything_entry_point())) {                 \
    if (std::getenv("AGENTD_TESTS_REQUIRE_NODE")) {                                            \
      FAIL() << "the reference MCP server is missing from "                                    \
             << ::agentd::testing::node_packages_dir().string();                               \
    }                                                                                          \
    GTEST_SKIP() << "the reference MCP server is not installed: run scripts/setup (npm ci in " \
                 << ::agentd::testing::node_packages_dir().string() << ")";                    \
  }

inline McpServerConfig everything_stdio_config() {
  McpServerConfig config;
  config.name = "everything";
  config.command = "node";
  config.args = {everything_entry_point().string(), "stdio"};
  config.timeout = std::chrono::seconds(20);
  return config;
}

// An io_context running on its own thread; coroutines are run on it and awaited from the test.
class IoThread {
 public:
  IoThread() : work_(io_.get_executor()), thread_([this] { io_.run(); }) {}
  ~IoThread() { finish(); }

  // Waits for the work left (a child being reaped, a session ended) to finish, but not for
  // ever, and stops the thread.
  void finish() {
    if (!thread_.joinable()) return;
    work_.reset();
    for (int i = 0; i < 200 && !io_.stopped(); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    EXPECT_TRUE(io_.stopped()) << "work was still pending 10 s after the test";
    io_.stop();
    thread_.join();
  }

  boost::asio::any_io_executor executor() { return io_.get_executor(); }

  // Runs the coroutine `make()` returns on the io thread and waits for its value.
  template <typename Make>
  auto run(Make make) -> typename decltype(make())::value_type {
    using T = typename decltype(make())::value_type;
    if constexpr (std::is_void_v<T>) {
      boost::asio::co_spawn(io_, make(), boost::asio::use_future).get();
    } else {
      auto future = boost::asio::co_spawn(
          io_,
          [make = std::move(make)]() mutable -> boost::asio::awaitable<std::optional<T>> {
            co_return co_await make();
          },
          boost::asio::use_future);
      return std::move(*future.get());
    }
  }

 private:
  boost::asio::io_context io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_;
  std::thread thread_;
};

// Starts `source` and waits until it has listed its tools.
inline std::vector<std::shared_ptr<Tool>> start_and_wait_for_tools(
    McpToolSource& source, std::chrono::seconds timeout = std::chrono::seconds(30)) {
  auto listed = std::make_shared<std::promise<std::vector<std::shared_ptr<Tool>>>>();
  auto tools = listed->get_future();
  source.start(
      [listed](std::vector<std::shared_ptr<Tool>> each) { listed->set_value(std::move(each)); });
  if (tools.wait_for(timeout) != std::future_status::ready) {
    ADD_FAILURE() << "MCP server " << source.name()
                  << " listed no tools in time: " << source.state().reason;
    return {};
  }
  return tools.get();
}

// Waits until `source` is in `phase`, or `timeout` passed; says whether it is.
inline bool wait_for_phase(const McpToolSource& source, McpConnectionState::Phase phase,
                           std::chrono::seconds timeout = std::chrono::seconds(10)) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (source.state().phase != phase) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return true;
}

// A loopback TCP port nobody listens on right now.
inline int free_loopback_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
  socklen_t length = sizeof address;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  ::close(fd);
  return ntohs(address.sin_port);
}

inline bool accepts_connections(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  const bool connected = ::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
  ::close(fd);
  return connected;
}

// server-everything in Streamable HTTP mode on a free port, for the life of the object.
class EverythingHttpServer {
 public:
  explicit EverythingHttpServer(int port = free_loopback_port()) : port_(port) {
    // Its request log goes nowhere: nobody reads it, and a full pipe would stall the server.
    auto child = spawn_child("sh",
                             {"-c", "exec node \"$0\" streamableHttp >/dev/null 2>&1",
                              everything_entry_point().string()},
                             {{"PORT", std::to_string(port_)}});
    if (!child) {
      ADD_FAILURE() << child.error().message;
      return;
    }
    pid_ = child->pid;
    for (int fd : {child->stdin_fd, child->stdout_fd, child->stderr_fd}) ::close(fd);
    for (int i = 0; i < 200 && !accepts_connections(port_); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    EXPECT_TRUE(accepts_connections(port_)) << "server-everything did not start listening";
  }
  ~EverythingHttpServer() {
    if (pid_ <= 0) return;
    ::kill(-pid_, SIGTERM);
    ::waitpid(pid_, nullptr, 0);
  }

  int port() const { return port_; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/mcp"; }

 private:
  int port_;
  pid_t pid_ = -1;
};

}  // namespace agentd::testing
