// What an administrator does to accounts: list them, look one up, disable one (none
// of its credentials work any more, signing in included) and enable it again. Only the command
// line calls these: whoever runs it holds the database already, so there is no caller to check.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <optional>
#include <string>

#include "application/ports/clock.h"
#include "application/ports/page.h"
#include "application/ports/user_repository.h"

namespace agentd {

class ManageUsers {
 public:
  ManageUsers(UserRepository& users, const Clock& clock) : users_(users), clock_(clock) {}

  // Every user, newest first.
  boost::asio::awaitable<Result<Page<User>>> list(int limit, std::optional<std::string> after);
  // not_found (user_not_found) when no account has the email, a malformed one included.
  boost::asio::awaitable<Result<User>> find_by_email(std::string email);
  boost::asio::awaitable<Result<User>> find_by_id(std::string id);
  // Both answer the user as now stored; disabling a disabled user keeps the first time.
  boost::asio::awaitable<Result<User>> disable(std::string email);
  boost::asio::awaitable<Result<User>> enable(std::string email);

 private:
  boost::asio::awaitable<Result<User>> set_disabled(std::string email,
                                                    std::optional<Timestamp> since);

  UserRepository& users_;
  const Clock& clock_;
};

}  // namespace agentd
