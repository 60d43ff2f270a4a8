#include "main/mcp_sources.h"

#include <boost/asio/co_spawn.hpp>

#include <stdexcept>

#include "infrastructure/logging/log.h"

namespace agentd {

std::vector<std::shared_ptr<McpToolSource>> start_mcp_sources(
    boost::asio::io_context& io, const std::vector<McpServerConfig>& servers,
    net::HttpClient& http, ToolRegistry& tools) {
  std::vector<std::shared_ptr<McpToolSource>> sources;
  for (const auto& server : servers) {
    auto source = McpToolSource::create(io.get_executor(), server, http);
    if (!source) throw std::runtime_error(source.error().message);
    sources.push_back(std::move(*source));
  }
  std::size_t pending = sources.size();
  for (auto& source : sources) {
    boost::asio::co_spawn(
        io,
        // The coroutine itself is handed to co_spawn, not a lambda: see docs/coroutines.md.
        [](std::shared_ptr<McpToolSource> source, ToolRegistry& tools) -> boost::asio::awaitable<void> {
          auto started = co_await source->start();
          if (!started) {
            log::warn("mcp_server_unavailable", {{"error", started.error().message}});
            co_return;
          }
          for (auto& tool : source->tools()) {
            if (auto added = tools.add(tool); !added) {
              log::warn("mcp_tool_skipped", {{"error", added.error().message}});
            }
          }
        }(source, tools),
        [&pending](std::exception_ptr) { --pending; });
  }
  while (pending > 0 && io.run_one() > 0) {
  }
  io.restart();
  return sources;
}

}  // namespace agentd
