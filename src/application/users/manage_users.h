// What an administrator does to accounts: list them, look one up, disable one (none of its
// credentials work any more, signing in included) and enable it again, and set what one may
// spend. The command line calls these without a caller (whoever runs it holds the database
// already); over HTTP the caller must be an administrator signed in as a person.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <optional>
#include <string>

#include "application/ports/clock.h"
#include "application/ports/page.h"
#include "application/ports/user_repository.h"
#include "domain/identity/principal.h"

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
  // Replaces what the user may spend (LimitsChange: absent leaves, null removes).
  boost::asio::awaitable<Result<User>> change_limits(std::string email, LimitsChange change);

  // Over HTTP. forbidden (admin_required) for anyone but an administrator's session; looking
  // up is also open to the user themself, and anyone else's account is not_found.
  boost::asio::awaitable<Result<Page<User>>> list_for(const Principal& caller, int limit,
                                                      std::optional<std::string> after);
  boost::asio::awaitable<Result<User>> find_for(const Principal& caller, std::string id);
  boost::asio::awaitable<Result<User>> change_limits_for(const Principal& caller, std::string id,
                                                         LimitsChange change);

 private:
  boost::asio::awaitable<Result<User>> set_disabled(std::string email,
                                                    std::optional<Timestamp> since);
  boost::asio::awaitable<Result<User>> set_limits(User user, const LimitsChange& change);

  UserRepository& users_;
  const Clock& clock_;
};

}  // namespace agentd
