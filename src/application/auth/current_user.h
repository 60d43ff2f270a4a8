// The caller's own account.
#pragma once

#include <boost/asio/awaitable.hpp>

#include "application/ports/user_repository.h"
#include "domain/identity/principal.h"

namespace agentd {

class CurrentUser {
 public:
  explicit CurrentUser(UserRepository& users) : users_(users) {}

  boost::asio::awaitable<Result<User>> operator()(const Principal& caller) {
    co_return co_await users_.find_by_id(caller.user_id);
  }

 private:
  UserRepository& users_;
};

}  // namespace agentd
