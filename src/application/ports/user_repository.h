// Storage of user accounts.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <optional>
#include <string>

#include "application/ports/page.h"
#include "domain/common/result.h"
#include "domain/identity/user.h"

namespace agentd {

class UserRepository {
 public:
  virtual ~UserRepository() = default;
  // Fails with conflict/"email_taken" when the email exists, decided by a unique constraint
  // so concurrent registrations cannot both succeed.
  virtual boost::asio::awaitable<Result<User>> create(User user) = 0;
  virtual boost::asio::awaitable<Result<User>> find_by_email(std::string email) = 0;
  virtual boost::asio::awaitable<Result<User>> find_by_id(std::string id) = 0;
  // Every user, newest first, after the cursor `after` (a user id) when given;
  // invalid_cursor when `after` names no user.
  virtual boost::asio::awaitable<Result<Page<User>>> list(int limit,
                                                          std::optional<std::string> after) = 0;
  // Disables the user from `since` on, or enables them again when it is absent, and answers
  // the user as now stored. Disabling a disabled user keeps the first time; not_found when
  // there is no such user.
  virtual boost::asio::awaitable<Result<User>> set_disabled(std::string id,
                                                            std::optional<Timestamp> since) = 0;
  // Replaces the user's budget and tokens per minute, and answers the user as now stored;
  // not_found when there is no such user.
  virtual boost::asio::awaitable<Result<User>> set_limits(std::string id,
                                                          SpendingLimits limits) = 0;
};

}  // namespace agentd
