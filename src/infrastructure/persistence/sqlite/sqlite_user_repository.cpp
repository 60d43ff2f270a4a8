#include "infrastructure/persistence/sqlite/sqlite_user_repository.h"

#include <stdexcept>

#include "infrastructure/persistence/sqlite/find_one.h"
#include "infrastructure/persistence/sqlite/limit_columns.h"
#include "infrastructure/persistence/sqlite/newest_first_page.h"
#include "infrastructure/persistence/sqlite/time_columns.h"

namespace agentd::sqlite {
namespace {

constexpr std::string_view kInsertUser =
    "INSERT INTO users(id, email, name, role, password_hash, created_at) "
    "VALUES (?, ?, ?, ?, ?, ?)";
constexpr std::string_view kSelectUsers =
    "SELECT id, email, name, role, password_hash, created_at, disabled_at, budget_max_tokens, "
    "budget_max_cost_nanos, budget_period, tokens_per_minute FROM users";
constexpr std::string_view kSetLimits =
    "UPDATE users SET budget_max_tokens = ?, budget_max_cost_nanos = ?, budget_period = ?, "
    "tokens_per_minute = ? WHERE id = ?";
// Disabling a disabled user keeps the first time; enabling clears it.
constexpr std::string_view kSetDisabled =
    "UPDATE users SET disabled_at = CASE WHEN ?1 IS NULL THEN NULL "
    "ELSE COALESCE(disabled_at, ?1) END WHERE id = ?2";

User read_user(const Statement& row) {
  User user;
  user.id = row.text(0);
  user.email = row.text(1);
  user.name = row.text(2);
  const auto role = parse_role(row.text(3));
  if (!role) throw std::runtime_error("stored role is unknown: " + row.text(3));
  user.role = *role;
  user.password_hash = row.text(4);
  user.created_at = time_column(row, 5);
  user.disabled_at = optional_time_column(row, 6);
  user.limits = read_limits(row, 7);
  return user;
}

std::string select_user_where(std::string_view column) {
  return std::string(kSelectUsers) + " WHERE " + std::string(column) + " = ?";
}

Error user_not_found() { return Error::not_found("user not found", "user_not_found"); }

// The user as `update` (a statement on the user `id`, run) left it.
Result<User> user_after(sqlite3* connection, const Statement& update, const std::string& id) {
  if (update.changed_rows() == 0) return user_not_found();
  auto user = find_one(connection, select_user_where("id"), id, read_user);
  if (!user) return user_not_found();
  return std::move(*user);
}

}  // namespace

boost::asio::awaitable<Result<User>> SqliteUserRepository::create(User user) {
  co_return co_await database_.transaction("create_user", [&](sqlite3* connection) -> Result<User> {
    Statement insert(connection, kInsertUser);
    insert.bind(1, user.id)
        .bind(2, user.email)
        .bind(3, user.name)
        .bind(4, to_string(user.role))
        .bind(5, user.password_hash);
    bind_time(insert, 6, user.created_at);
    try {
      insert.step();
    } catch (const SqliteError& e) {
      if (!e.is_constraint_violation()) throw;
      // Ids are fresh UUIDv7s and every other column is well-formed, so the constraint a
      // user can break is the unique email; asking it (not a prior SELECT) is race-free.
      return Error{ErrorCode::conflict, "email is already registered", "email", "email_taken"};
    }
    return std::move(user);
  });
}

boost::asio::awaitable<Result<User>> SqliteUserRepository::find_by_email(std::string email) {
  co_return co_await find("email", std::move(email));
}

boost::asio::awaitable<Result<User>> SqliteUserRepository::find_by_id(std::string id) {
  co_return co_await find("id", std::move(id));
}

boost::asio::awaitable<Result<Page<User>>> SqliteUserRepository::list(
    int limit, std::optional<std::string> after) {
  // LIMIT would read a negative count as "no limit".
  if (limit < 1) co_return Error::invalid("limit must be at least 1", "limit", "invalid_limit");
  co_return co_await database_.read("list_users", [&](sqlite3* connection) {
    return newest_first_page(connection, kSelectUsers, std::nullopt, limit, after, read_user);
  });
}

boost::asio::awaitable<Result<User>> SqliteUserRepository::set_disabled(
    std::string id, std::optional<Timestamp> since) {
  co_return co_await database_.transaction("set_user_disabled",
                                           [&](sqlite3* connection) -> Result<User> {
                                             Statement update(connection, kSetDisabled);
                                             bind_time(update, 1, since).bind(2, id).step();
                                             return user_after(connection, update, id);
                                           });
}

boost::asio::awaitable<Result<User>> SqliteUserRepository::set_limits(std::string id,
                                                                      SpendingLimits limits) {
  co_return co_await database_.transaction("set_user_limits",
                                           [&](sqlite3* connection) -> Result<User> {
                                             Statement update(connection, kSetLimits);
                                             bind_limits(update, 1, limits).bind(5, id).step();
                                             return user_after(connection, update, id);
                                           });
}

boost::asio::awaitable<Result<User>> SqliteUserRepository::find(std::string_view column,
                                                                std::string key) {
  co_return co_await database_.read("find_user", [&](sqlite3* connection) -> Result<User> {
    auto user = find_one(connection, select_user_where(column), key, read_user);
    if (!user) return user_not_found();
    return std::move(*user);
  });
}

}  // namespace agentd::sqlite
