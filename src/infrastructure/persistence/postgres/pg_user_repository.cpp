#include "infrastructure/persistence/postgres/pg_user_repository.h"

#include <stdexcept>

#include "infrastructure/persistence/postgres/pg_ids.h"
#include "infrastructure/persistence/postgres/pg_limit_columns.h"
#include "infrastructure/persistence/postgres/pg_page.h"

namespace agentd::postgres {
namespace {

namespace asio = boost::asio;

constexpr std::string_view kInsertUser =
    "INSERT INTO users(id, email, name, role, password_hash, created_at) "
    "VALUES ($1, $2, $3, $4, $5, $6)";
constexpr std::string_view kUserColumns =
    "id, email, name, role, password_hash, created_at, disabled_at, budget_max_tokens, "
    "budget_max_cost_nanos, budget_period, tokens_per_minute";
// Disabling a disabled user keeps the first time; enabling clears it. Both updates answer the
// user as it is after the change, in the same round trip.
constexpr std::string_view kSetDisabled =
    "UPDATE users SET disabled_at = CASE WHEN $1::timestamptz IS NULL THEN NULL "
    "ELSE COALESCE(disabled_at, $1) END WHERE id = $2 RETURNING ";
constexpr std::string_view kSetLimits =
    "UPDATE users SET budget_max_tokens = $1, budget_max_cost_nanos = $2, budget_period = $3, "
    "tokens_per_minute = $4 WHERE id = $5 RETURNING ";

User read_user(const PgRows& rows, int row) {
  User user;
  user.id = rows.text(row, 0);
  user.email = rows.text(row, 1);
  user.name = rows.text(row, 2);
  const auto role = parse_role(rows.view(row, 3));
  if (!role) throw std::runtime_error("stored role is unknown: " + rows.text(row, 3));
  user.role = *role;
  user.password_hash = rows.text(row, 4);
  user.created_at = rows.time(row, 5);
  user.disabled_at = rows.optional_time(row, 6);
  user.limits = read_limits(rows, row, 7);
  return user;
}

std::string select_users(std::string_view condition) {
  return "SELECT " + std::string(kUserColumns) + " FROM users" + std::string(condition);
}

Error user_not_found() { return Error::not_found("user not found", "user_not_found"); }

}  // namespace

asio::awaitable<Result<User>> PgUserRepository::create(User user) {
  co_return co_await pool_.transaction(
      "create_user", [&](PgConnection& db) -> asio::awaitable<Result<User>> {
        try {
          co_await db.execute(kInsertUser,
                              PgParams(user.id, user.email, user.name, to_string(user.role),
                                       user.password_hash, user.created_at));
        } catch (const PgError& e) {
          if (!e.is_unique_violation()) throw;
          // Ids are fresh UUIDv7s, so the constraint a user can break is the unique email;
          // asking it (not a prior SELECT) is race-free.
          co_return Error{ErrorCode::conflict, "email is already registered", "email",
                          "email_taken"};
        }
        co_return std::move(user);
      });
}

asio::awaitable<Result<User>> PgUserRepository::find_by_email(std::string email) {
  co_return co_await find(select_users(" WHERE email = $1"), std::move(email));
}

asio::awaitable<Result<User>> PgUserRepository::find_by_id(std::string id) {
  if (!is_uuid(id)) co_return user_not_found();
  co_return co_await find(select_users(" WHERE id = $1"), std::move(id));
}

asio::awaitable<Result<Page<User>>> PgUserRepository::list(int limit,
                                                           std::optional<std::string> after) {
  // LIMIT would fail on a negative count, and a page needs at least one row.
  if (limit < 1) co_return Error::invalid("limit must be at least 1", "limit", "invalid_limit");
  co_return co_await pool_.read(
      "list_users", [&](PgConnection& db) -> asio::awaitable<Result<Page<User>>> {
        const std::string select = select_users("");
        co_return co_await newest_first_page(db, select, std::nullopt, limit, after, read_user);
      });
}

asio::awaitable<Result<User>> PgUserRepository::set_disabled(std::string id,
                                                             std::optional<Timestamp> since) {
  if (!is_uuid(id)) co_return user_not_found();
  co_return co_await pool_.single(
      "set_user_disabled", [&](PgConnection& db) -> asio::awaitable<Result<User>> {
        const std::string update = std::string(kSetDisabled) + std::string(kUserColumns);
        const auto rows = co_await db.execute(update, PgParams(since, id));
        if (rows.empty()) co_return user_not_found();
        co_return read_user(rows, 0);
      });
}

asio::awaitable<Result<User>> PgUserRepository::set_limits(std::string id, SpendingLimits limits) {
  if (!is_uuid(id)) co_return user_not_found();
  co_return co_await pool_.single(
      "set_user_limits", [&](PgConnection& db) -> asio::awaitable<Result<User>> {
        const auto columns = limit_columns(limits);
        const std::string update = std::string(kSetLimits) + std::string(kUserColumns);
        const auto rows =
            co_await db.execute(update, PgParams(columns.max_tokens, columns.max_cost_nanos,
                                                 columns.period, columns.tokens_per_minute, id));
        if (rows.empty()) co_return user_not_found();
        co_return read_user(rows, 0);
      });
}

asio::awaitable<Result<User>> PgUserRepository::find(std::string sql, std::string key) {
  co_return co_await pool_.read("find_user",
                                [&](PgConnection& db) -> asio::awaitable<Result<User>> {
                                  const auto rows = co_await db.execute(sql, PgParams(key));
                                  if (rows.empty()) co_return user_not_found();
                                  co_return read_user(rows, 0);
                                });
}

}  // namespace agentd::postgres
