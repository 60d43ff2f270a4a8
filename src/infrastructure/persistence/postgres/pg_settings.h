// How agentd reaches PostgreSQL: the URL as given (libpq reads postgres:// and postgresql://
// with every parameter it knows, sslmode among them) and the pool's limits.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>

namespace agentd::postgres {

struct PgSettings {
  std::string url;  // holds the password: never logged
  std::size_t pool_size = 4;
  std::chrono::milliseconds connect_timeout{5000};
  // Bounds each statement: the server cancels it (statement_timeout) and agentd stops
  // waiting for an answer and drops the connection.
  std::chrono::milliseconds query_timeout{5000};
  // How long a request waits for a free connection before it is answered 503.
  std::chrono::milliseconds acquire_timeout{2000};
};

}  // namespace agentd::postgres
