// Storage of user accounts.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <string>

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
};

}  // namespace agentd
