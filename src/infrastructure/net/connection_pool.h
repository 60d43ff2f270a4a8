// Kept-alive connections waiting for their next request, a few per origin.
#pragma once

#include <chrono>
#include <cstddef>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "infrastructure/net/http_connection.h"

namespace agentd::net {

class ConnectionPool {
 public:
  ConnectionPool(std::size_t max_idle_per_origin, std::chrono::milliseconds max_idle_time)
      : max_idle_per_origin_(max_idle_per_origin), max_idle_time_(max_idle_time) {}

  // The most recently used connection to `origin` that is still open; nullptr when none.
  // Connections idle longer than max_idle_time are closed rather than reused: servers drop
  // idle connections on their own schedule, and a request must not race that.
  std::unique_ptr<HttpConnection> take(const std::string& origin);

  // Keeps a connection whose exchange ended cleanly; beyond the cap the oldest is closed.
  void give_back(const std::string& origin, std::unique_ptr<HttpConnection> connection);

 private:
  struct Idle {
    std::unique_ptr<HttpConnection> connection;
    std::chrono::steady_clock::time_point since;
  };

  const std::size_t max_idle_per_origin_;
  const std::chrono::milliseconds max_idle_time_;
  std::mutex mutex_;
  std::map<std::string, std::deque<Idle>, std::less<>> idle_;
};

}  // namespace agentd::net
