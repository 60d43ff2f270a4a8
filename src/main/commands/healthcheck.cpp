// `agentd healthcheck`: asks the server this configuration describes whether it is ready, for
// a container's HEALTHCHECK in an image that has no shell and no curl.
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <charconv>
#include <chrono>
#include <exception>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "main/commands/command.h"
#include "main/commands/startup.h"

namespace agentd {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

constexpr auto kAsTuple = asio::as_tuple(asio::use_awaitable);
constexpr std::chrono::milliseconds kHealthcheckTimeout{2'000};
// A status line longer than this is not one.
constexpr std::size_t kMaxStatusLine = 1024;

// A server listening on every address of a family is asked on that family's loopback.
std::string address_to_ask(const std::string& listen_host) {
  if (listen_host == "0.0.0.0") return "127.0.0.1";
  if (listen_host == "::") return "::1";
  return listen_host;
}

std::string host_header(const std::string& host, std::uint16_t port) {
  const bool is_ipv6_literal = host.find(':') != std::string::npos;
  return (is_ipv6_literal ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

// The code of an HTTP/1.x status line ("HTTP/1.1 200 OK"), or nothing if it is not one.
std::optional<int> status_code_of(std::string_view line) {
  constexpr std::string_view kPrefix = "HTTP/1.";
  // "HTTP/1.x" then a space and three digits.
  if (!line.starts_with(kPrefix) || line.size() < 12 || line[8] != ' ') return std::nullopt;
  int code = 0;
  const char* first = line.data() + 9;
  auto [end, error] = std::from_chars(first, first + 3, code);
  if (error != std::errc{} || end != first + 3) return std::nullopt;
  return code;
}

Error step_failed(std::string_view step, const boost::system::error_code& error) {
  return Error::unavailable(std::string(step) + ": " + error.message());
}

// Asynchronous steps on a private io_context that runs for at most the timeout: a blocking
// socket has no deadline of its own.
asio::awaitable<Result<std::string>> fetch_ready_status_line(std::string host, std::uint16_t port) {
  auto executor = co_await asio::this_coro::executor;
  tcp::resolver resolver(executor);
  auto [resolve_error, endpoints] =
      co_await resolver.async_resolve(host, std::to_string(port), kAsTuple);
  if (resolve_error) co_return step_failed("resolve " + host, resolve_error);

  tcp::socket socket(executor);
  auto [connect_error, endpoint] = co_await asio::async_connect(socket, endpoints, kAsTuple);
  if (connect_error) co_return step_failed("connect to " + host_header(host, port), connect_error);

  const std::string request =
      "GET /ready HTTP/1.1\r\nHost: " + host_header(host, port) + "\r\nConnection: close\r\n\r\n";
  auto [write_error, written] = co_await asio::async_write(socket, asio::buffer(request), kAsTuple);
  if (write_error) co_return step_failed("send request", write_error);

  std::string received;
  auto [read_error, line_end] = co_await asio::async_read_until(
      socket, asio::dynamic_buffer(received, kMaxStatusLine), "\r\n", kAsTuple);
  if (read_error) co_return step_failed("read status line", read_error);
  received.resize(line_end - 2);
  co_return received;
}

// Sends GET /ready to the configured listen address (a wildcard address is reached on
// loopback) and answers 0 when the answer is 200; otherwise says why on standard error and
// answers 1. Connecting, sending and reading the status line share `timeout`.
int run_healthcheck(const config::Config& config, std::chrono::milliseconds timeout) {
  const std::string host = address_to_ask(config.host);
  std::optional<Result<std::string>> outcome;
  asio::io_context io;
  asio::co_spawn(io, fetch_ready_status_line(host, config.port),
                 [&](const std::exception_ptr& failure, Result<std::string> line) {
                   if (!failure) {
                     outcome.emplace(std::move(line));
                     return;
                   }
                   try {
                     std::rethrow_exception(failure);
                   } catch (const std::exception& e) {
                     outcome.emplace(Error::internal(e.what()));
                   }
                 });
  // Whatever is still pending at the deadline is abandoned with the io_context.
  io.run_for(timeout);

  if (!outcome) {
    return report("healthcheck: no answer from " + host_header(host, config.port) + " within " +
                      std::to_string(timeout.count()) + " ms",
                  kExitFailure);
  }
  if (!*outcome) return report("healthcheck: " + outcome->error().message, kExitFailure);
  const auto code = status_code_of(**outcome);
  if (code != 200) {
    return report("healthcheck: GET /ready answered \"" + **outcome + "\"", kExitFailure);
  }
  return kExitOk;
}

}  // namespace

void add_healthcheck_command(CLI::App& app, Commands& commands) {
  auto* healthcheck = app.add_subcommand(
      "healthcheck", "exit 0 if the configured server answers GET /ready with 200, else 1");
  auto timeout_ms = std::make_shared<int>(static_cast<int>(kHealthcheckTimeout.count()));
  healthcheck->add_option("--timeout-ms", *timeout_ms, "give up after this long")
      ->check(CLI::Range(1, 60'000));
  // Only the listen address is needed: the configuration file is not read.
  commands.push_back({healthcheck, Needs::environment, [timeout_ms](const Settings& settings) {
                        return run_healthcheck(settings.config,
                                               std::chrono::milliseconds(*timeout_ms));
                      }});
}

}  // namespace agentd
