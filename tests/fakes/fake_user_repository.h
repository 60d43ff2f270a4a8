// An in-memory UserRepository that refuses a second account for an email, as the real
// unique constraint does.
#pragma once

#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "application/ports/user_repository.h"

namespace agentd {

class FakeUserRepository : public UserRepository {
 public:
  boost::asio::awaitable<Result<User>> create(User user) override {
    std::lock_guard lock(mutex_);
    for (const auto& [id, stored] : users_) {
      if (stored.email == user.email) {
        co_return Error{ErrorCode::conflict, "email is already registered", "email", "email_taken"};
      }
    }
    users_[user.id] = user;
    co_return user;
  }

  boost::asio::awaitable<Result<User>> find_by_email(std::string email) override {
    std::lock_guard lock(mutex_);
    for (const auto& [id, stored] : users_) {
      if (stored.email == email) co_return stored;
    }
    co_return not_found();
  }

  boost::asio::awaitable<Result<User>> find_by_id(std::string id) override {
    std::lock_guard lock(mutex_);
    if (unavailable)
      co_return Error::unavailable("the database is unavailable", "database_unavailable");
    auto found = users_.find(id);
    if (found == users_.end()) co_return not_found();
    co_return found->second;
  }

  boost::asio::awaitable<Result<Page<User>>> list(int limit,
                                                  std::optional<std::string> after) override {
    if (limit < 1) co_return Error::invalid("limit must be at least 1", "limit", "invalid_limit");
    std::lock_guard lock(mutex_);
    std::vector<User> listed;
    // Newest first is largest id first.
    for (auto it = users_.rbegin(); it != users_.rend(); ++it) listed.push_back(it->second);
    co_return page_after(std::move(listed), limit, after, [](const User& user) { return user.id; });
  }

  boost::asio::awaitable<Result<User>> set_disabled(std::string id,
                                                    std::optional<Timestamp> since) override {
    std::lock_guard lock(mutex_);
    auto found = users_.find(id);
    if (found == users_.end()) co_return not_found();
    auto& disabled_at = found->second.disabled_at;
    if (!since) {
      disabled_at.reset();
    } else if (!disabled_at) {
      disabled_at = since;
    }
    co_return found->second;
  }
  boost::asio::awaitable<Result<User>> set_limits(std::string id, SpendingLimits limits) override {
    std::lock_guard lock(mutex_);
    auto found = users_.find(id);
    if (found == users_.end()) co_return not_found();
    found->second.limits = std::move(limits);
    co_return found->second;
  }

  // While set, looking a user up finds the database unavailable.
  bool unavailable = false;

  std::size_t size() const {
    std::lock_guard lock(mutex_);
    return users_.size();
  }

 private:
  static Error not_found() { return Error::not_found("user not found", "user_not_found"); }

  mutable std::mutex mutex_;
  std::map<std::string, User> users_;
};

}  // namespace agentd
