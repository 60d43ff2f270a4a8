#include "application/auth/login.h"

#include "domain/identity/email.h"
#include "domain/identity/password_policy.h"

namespace agentd {

Error invalid_credentials() {
  return {ErrorCode::unauthenticated, "invalid email or password", {}, "invalid_credentials"};
}

boost::asio::awaitable<std::string> Login::dummy_hash() {
  {
    std::lock_guard lock(dummy_hash_mutex_);
    if (!dummy_hash_.empty()) co_return dummy_hash_;
  }
  // Computed lazily with the hasher's own parameters; a race only computes it twice.
  auto hash = co_await hasher_.hash("agentd-dummy-password");
  std::lock_guard lock(dummy_hash_mutex_);
  dummy_hash_ = hash;
  co_return hash;
}

boost::asio::awaitable<Result<TokenPair>> Login::operator()(std::string email,
                                                            std::string password) {
  if (password.size() > kMaxPasswordBytes) co_return invalid_credentials();
  auto parsed = Email::parse(email);
  // No co_await inside ?: : GCC 12 miscompiles temporaries in that position.
  Result<User> user = Error::not_found("no such user");
  if (parsed) user = co_await users_.find_by_email(parsed->value());
  if (!user) {
    if (user.error().kind != ErrorCode::not_found) co_return user.error();
    auto dummy = co_await dummy_hash();
    co_await hasher_.verify(std::move(password), std::move(dummy));
    co_return invalid_credentials();
  }
  if (!co_await hasher_.verify(std::move(password), user->password_hash)) {
    co_return invalid_credentials();
  }
  // Checked after the password, so that a disabled account answers in the same time and the
  // same words as a wrong password.
  if (user->is_disabled()) co_return invalid_credentials();

  const auto now = clock_.now();
  Session session{ids_.new_id(), user->id, now, now + tokens_.settings().refresh_ttl, {}};
  auto refresh_token = tokens_.new_refresh_token();
  if (auto created = co_await sessions_.create(session, tokens_.digest(refresh_token)); !created) {
    co_return created.error();
  }
  co_return tokens_.issue(*user, session.id, std::move(refresh_token), now);
}

}  // namespace agentd
