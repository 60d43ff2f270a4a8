// `agentd routes`: every route the server answers, one "METHOD /pattern" per line.
#include <boost/asio/io_context.hpp>
#include <cstdio>

#include "main/commands/command.h"
#include "main/commands/startup.h"
#include "main/routes.h"

namespace agentd {
namespace {

int list_routes(const config::Config& config, const config::FileConfig& file) {
  boost::asio::io_context io;
  auto services = start_services(io, config, file, StaleSchema::serve);
  if (!services) return report_failure(services.error());
  auto routes = make_routes(**services, config, {});
  for (const auto& route : routes->router.routes()) {
    std::printf("%s %s\n", route.method.c_str(), route.pattern.c_str());
  }
  return kExitOk;
}

}  // namespace

void add_routes_command(CLI::App& app, Commands& commands) {
  auto* routes =
      app.add_subcommand("routes", "print every HTTP route, one \"METHOD /path\" a line");
  commands.push_back({routes, Needs::administration, [](const Settings& settings) {
                        return list_routes(settings.config, settings.file);
                      }});
}

}  // namespace agentd
