// Creates an account: a valid, unused email and a password that meets the policy.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <string>

#include "application/ports/clock.h"
#include "application/ports/id_generator.h"
#include "application/ports/password_hasher.h"
#include "application/ports/user_repository.h"

namespace agentd {

struct Registration {
  std::string email;
  std::string password;
  std::string name;
  Role role = Role::user;
};

class RegisterUser {
 public:
  RegisterUser(UserRepository& users, const PasswordHasher& hasher, IdGenerator& ids,
               const Clock& clock)
      : users_(users), hasher_(hasher), ids_(ids), clock_(clock) {}

  boost::asio::awaitable<Result<User>> operator()(Registration registration);

 private:
  static constexpr std::size_t kMaxNameBytes = 200;

  UserRepository& users_;
  const PasswordHasher& hasher_;
  IdGenerator& ids_;
  const Clock& clock_;
};

}  // namespace agentd
