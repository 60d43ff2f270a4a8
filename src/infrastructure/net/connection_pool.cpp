#include "infrastructure/net/connection_pool.h"

#include <vector>

namespace agentd::net {

std::unique_ptr<HttpConnection> ConnectionPool::take(const std::string& origin) {
  // Connections to close are collected and closed after the lock is released.
  std::vector<std::unique_ptr<HttpConnection>> stale;
  std::unique_ptr<HttpConnection> found;
  {
    std::lock_guard lock(mutex_);
    auto it = idle_.find(origin);
    if (it == idle_.end()) return nullptr;
    auto& waiting = it->second;
    const auto oldest_allowed = std::chrono::steady_clock::now() - max_idle_time_;
    while (!waiting.empty() && waiting.front().since < oldest_allowed) {
      stale.push_back(std::move(waiting.front().connection));
      waiting.pop_front();
    }
    while (!waiting.empty() && !found) {
      auto candidate = std::move(waiting.back().connection);
      waiting.pop_back();
      if (candidate->is_still_open()) {
        found = std::move(candidate);
      } else {
        stale.push_back(std::move(candidate));
      }
    }
    if (waiting.empty()) idle_.erase(it);
  }
  return found;
}

void ConnectionPool::give_back(const std::string& origin,
                               std::unique_ptr<HttpConnection> connection) {
  std::unique_ptr<HttpConnection> evicted;
  {
    std::lock_guard lock(mutex_);
    auto& waiting = idle_[origin];
    waiting.push_back({std::move(connection), std::chrono::steady_clock::now()});
    if (waiting.size() > max_idle_per_origin_) {
      evicted = std::move(waiting.front().connection);
      waiting.pop_front();
    }
  }
}

}  // namespace agentd::net
