#include "application/users/manage_users.h"

#include "domain/identity/email.h"

namespace agentd {
namespace {

Status require_admin_session(const Principal& caller) {
  if (caller.role != Role::admin || caller.is_api_key()) {
    return Error{ErrorCode::forbidden,
                 "only an administrator signed in as a person may manage users",
                 {},
                 "admin_required"};
  }
  return ok_status();
}

}  // namespace

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

boost::asio::awaitable<Result<User>> ManageUsers::change_limits(std::string email,
                                                                LimitsChange change) {
  auto user = co_await find_by_email(std::move(email));
  if (!user) co_return user;
  co_return co_await set_limits(std::move(*user), change);
}

boost::asio::awaitable<Result<Page<User>>> ManageUsers::list_for(const Principal& caller, int limit,
                                                                 std::optional<std::string> after) {
  if (auto allowed = require_admin_session(caller); !allowed) co_return allowed.error();
  co_return co_await users_.list(limit, std::move(after));
}

boost::asio::awaitable<Result<User>> ManageUsers::find_for(const Principal& caller,
                                                           std::string id) {
  if (caller.is_api_key()) co_return require_admin_session(caller).error();
  if (id != caller.user_id && caller.role != Role::admin) {
    co_return Error::not_found("user not found", "user_not_found");
  }
  co_return co_await users_.find_by_id(std::move(id));
}

boost::asio::awaitable<Result<User>> ManageUsers::change_limits_for(const Principal& caller,
                                                                    std::string id,
                                                                    LimitsChange change) {
  if (auto allowed = require_admin_session(caller); !allowed) co_return allowed.error();
  auto user = co_await users_.find_by_id(std::move(id));
  if (!user) co_return user;
  co_return co_await set_limits(std::move(*user), change);
}

boost::asio::awaitable<Result<User>> ManageUsers::set_limits(User user,
                                                             const LimitsChange& change) {
  auto limits = apply(user.limits, change);
  if (!limits) co_return std::move(limits).take_error();
  co_return co_await users_.set_limits(std::move(user.id), std::move(*limits));
}

}  // namespace agentd
