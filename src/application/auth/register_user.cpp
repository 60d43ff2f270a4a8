#include "application/auth/register_user.h"

#include "domain/identity/email.h"
#include "domain/identity/password_policy.h"

namespace agentd {

boost::asio::awaitable<Result<User>> RegisterUser::operator()(Registration registration) {
  auto email = Email::parse(registration.email);
  if (!email) co_return email.error();
  if (auto policy = check_password_policy(registration.password); !policy) {
    co_return policy.error();
  }
  if (registration.name.size() > kMaxNameBytes) {
    co_return Error::invalid("name must be at most 200 bytes", "name", "name_too_long");
  }
  User user;
  user.id = ids_.new_id();
  user.email = email->value();
  user.name = std::move(registration.name);
  user.role = registration.role;
  user.password_hash = co_await hasher_.hash(std::move(registration.password));
  user.created_at = clock_.now();
  co_return co_await users_.create(std::move(user));
}

}  // namespace agentd
