#include "main/storage.h"

#include <string>

namespace agentd {

std::unique_ptr<Storage> make_storage(const config::Config& config,
                                      boost::asio::any_io_executor executor) {
  if (config.database == config::DatabaseKind::postgres) {
    return make_postgres_storage(config, std::move(executor));
  }
  return make_sqlite_storage(config);
}

boost::asio::awaitable<Status> check_schema(Storage& storage) {
  const auto version = co_await storage.schema_version();
  if (!version) {
    co_return Error::unavailable("unreachable: " + version.error().message, "database_unavailable");
  }
  const int known = storage.known_schema_version();
  const auto versions =
      "version " + std::to_string(*version) + ", this binary's " + std::to_string(known);
  if (*version < known) {
    co_return Error::unavailable("schema is behind (" + versions + "): run agentd migrate",
                                 "schema_behind");
  }
  if (*version > known) {
    co_return Error::unavailable(
        "schema is ahead (" + versions + "): a newer agentd migrated it; upgrade this one",
        "schema_ahead");
  }
  co_return ok_status();
}

}  // namespace agentd
