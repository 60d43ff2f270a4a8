#include "application/users/manage_users.h"

#include "domain/identity/email.h"

namespace agentd {

boost::asio::awaitable<Result<Page<User>>> ManageUsers::list(int limit,
                                                             std::optional<std::string> after) {
  co_return co_await users_.list(limit, std::move(after));
}

boost::asio::awaitable<Result<User>> ManageUsers::find_by_email(std::string email) {
  auto parsed = Email::parse(email);
  if (!parsed) co_return Error::not_found("no user has the email " + email, "user_not_found");
  auto user = co_await users_.find_by_email(parsed->value());
  if (!user && user.error().kind == ErrorCode::not_found) {
    co_return Error::not_found("no user has the email " + parsed->value(), "user_not_found");
  }
  co_return user;
}

boost::asio::awaitable<Result<User>> ManageUsers::find_by_id(std::string id) {
  co_return co_await users_.find_by_id(std::move(id));
}

boost::asio::awaitable<Result<User>> ManageUsers::disable(std::string email) {
  const std::optional<Timestamp> since = clock_.now();
  co_return co_await set_disabled(std::move(email), since);
}

boost::asio::awaitable<Result<User>> ManageUsers::enable(std::string email) {
  co_return co_await set_disabled(std::move(email), std::nullopt);
}

boost::asio::awaitable<Result<User>> ManageUsers::set_disabled(std::string email,
                                                               std::optional<Timestamp> since) {
  auto user = co_await find_by_email(std::move(email));
  if (!user) co_return user;
  co_return co_await users_.set_disabled(user->id, since);
}

}  // namespace agentd
