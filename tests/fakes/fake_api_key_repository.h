// An in-memory ApiKeyRepository that also remembers every record_use call, so tests can
// count the writes authentication makes.
#pragma once

#include <algorithm>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "application/ports/api_key_repository.h"

namespace agentd {

struct RecordedUse {
  std::string key_id;
  Timestamp at;
};

class FakeApiKeyRepository : public ApiKeyRepository {
 public:
  boost::asio::awaitable<Status> create(ApiKey key) override {
    std::lock_guard lock(mutex_);
    keys_[key.id] = std::move(key);
    co_return ok_status();
  }

  boost::asio::awaitable<Result<ApiKey>> find_by_hash(std::string secret_hash) override {
    std::lock_guard lock(mutex_);
    for (const auto& [id, key] : keys_) {
      if (key.secret_hash == secret_hash) co_return key;
    }
    co_return key_not_found();
  }

  boost::asio::awaitable<Result<ApiKey>> find_by_id(std::string key_id) override {
    std::lock_guard lock(mutex_);
    auto found = keys_.find(key_id);
    if (found == keys_.end()) co_return key_not_found();
    co_return found->second;
  }

  boost::asio::awaitable<Result<Page<ApiKey>>> list_all(int limit,
                                                        std::optional<std::string> after) override {
    if (limit < 1) co_return Error::invalid("limit must be at least 1", "limit", "invalid_limit");
    std::lock_guard lock(mutex_);
    std::vector<ApiKey> listed;
    for (auto it = keys_.rbegin(); it != keys_.rend(); ++it) listed.push_back(it->second);
    co_return page_after(std::move(listed), limit, after, [](const ApiKey& key) { return key.id; });
  }

  boost::asio::awaitable<Result<Page<ApiKey>>> list(std::string user_id, int limit,
                                                    std::optional<std::string> after) override {
    if (limit < 1) co_return Error::invalid("limit must be at least 1", "limit", "invalid_limit");
    std::lock_guard lock(mutex_);
    std::vector<ApiKey> listed;
    // Newest first is largest id first.
    for (auto it = keys_.rbegin(); it != keys_.rend(); ++it) {
      if (it->second.user_id == user_id) listed.push_back(it->second);
    }
    co_return page_after(std::move(listed), limit, after, [](const ApiKey& key) { return key.id; });
  }

  boost::asio::awaitable<Status> revoke(std::string user_id, std::string key_id,
                                        Timestamp now) override {
    std::lock_guard lock(mutex_);
    auto found = keys_.find(key_id);
    if (found == keys_.end() || found->second.user_id != user_id) co_return key_not_found();
    if (!found->second.revoked_at) found->second.revoked_at = now;
    co_return ok_status();
  }

  boost::asio::awaitable<Result<ApiKey>> update_limits(std::string user_id, std::string key_id,
                                                       SpendingLimits limits) override {
    std::lock_guard lock(mutex_);
    auto found = keys_.find(key_id);
    if (found == keys_.end() || found->second.user_id != user_id) co_return key_not_found();
    found->second.limits = limits;
    co_return found->second;
  }

  boost::asio::awaitable<Status> record_use(std::string key_id, Timestamp now) override {
    std::lock_guard lock(mutex_);
    uses_.push_back({key_id, now});
    auto found = keys_.find(key_id);
    if (found == keys_.end()) co_return key_not_found();
    auto& last_used = found->second.last_used_at;
    last_used = last_used ? std::max(*last_used, now) : now;
    co_return ok_status();
  }

  // The stored key, as the database would hold it.
  std::optional<ApiKey> stored(const std::string& key_id) const {
    std::lock_guard lock(mutex_);
    auto found = keys_.find(key_id);
    if (found == keys_.end()) return std::nullopt;
    return found->second;
  }

  std::vector<RecordedUse> uses() const {
    std::lock_guard lock(mutex_);
    return uses_;
  }

 private:
  static Error key_not_found() {
    return Error::not_found("API key not found", "api_key_not_found");
  }

  mutable std::mutex mutex_;
  std::map<std::string, ApiKey> keys_;  // by id
  std::vector<RecordedUse> uses_;
};

}  // namespace agentd
