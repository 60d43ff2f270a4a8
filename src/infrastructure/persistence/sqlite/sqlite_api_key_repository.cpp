#include "infrastructure/persistence/sqlite/sqlite_api_key_repository.h"

#include <stdexcept>

#include "infrastructure/persistence/name_list_codec.h"
#include "infrastructure/persistence/sqlite/find_one.h"
#include "infrastructure/persistence/sqlite/limit_columns.h"
#include "infrastructure/persistence/sqlite/newest_first_page.h"
#include "infrastructure/persistence/sqlite/time_columns.h"

namespace agentd::sqlite {
namespace {

constexpr std::string_view kColumns =
    "id, user_id, name, prefix, secret_hash, allowed_tools, allowed_models, "
    "approval_required_tools, expires_at, rate_limit_per_minute, created_at, last_used_at, "
    "revoked_at, can_approve, budget_max_tokens, budget_max_cost_nanos, budget_period, "
    "tokens_per_minute";
constexpr std::string_view kInsertValues =
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
constexpr std::string_view kUpdateLimits =
    "UPDATE api_keys SET budget_max_tokens = ?, budget_max_cost_nanos = ?, budget_period = ?, "
    "tokens_per_minute = ? WHERE id = ? AND user_id = ?";
constexpr std::string_view kByHash = "WHERE secret_hash = ?";
constexpr std::string_view kById = "WHERE id = ?";

// COALESCE keeps the first revocation time while the row still counts as changed, so zero
// changed rows means only "no such key of this user".
constexpr std::string_view kRevoke =
    "UPDATE api_keys SET revoked_at = COALESCE(revoked_at, ?) WHERE id = ? AND user_id = ?";
// Concurrent requests may record their uses out of order; the stored time only moves forward
// (fixed-width UTC text compares like the times it encodes).
constexpr std::string_view kRecordUse =
    "UPDATE api_keys SET last_used_at = max(COALESCE(last_used_at, ?1), ?1) WHERE id = ?2";

std::optional<std::string> encode(const NameAllowList& list) {
  if (!list) return std::nullopt;
  return persistence::encode_name_list(*list);
}

NameAllowList decode(const std::optional<std::string>& json) {
  if (!json) return std::nullopt;
  return persistence::decode_name_list(*json);
}

ApiKey read_key(const Statement& row) {
  ApiKey key;
  key.id = row.text(0);
  key.user_id = row.text(1);
  key.name = row.text(2);
  key.prefix = row.text(3);
  key.secret_hash = row.text(4);
  key.allowed_tools = decode(row.optional_text(5));
  key.allowed_models = decode(row.optional_text(6));
  key.approval_required_tools = persistence::decode_name_list(row.text(7));
  key.expires_at = optional_time_column(row, 8);
  if (!row.is_null(9)) key.rate_limit_per_minute = static_cast<int>(row.integer(9));
  key.created_at = time_column(row, 10);
  key.last_used_at = optional_time_column(row, 11);
  key.revoked_at = optional_time_column(row, 12);
  key.can_approve = row.integer(13) != 0;
  key.limits = read_limits(row, 14);
  return key;
}

std::string select_keys(std::string_view condition) {
  return "SELECT " + std::string(kColumns) + " FROM api_keys " + std::string(condition);
}

Error key_not_found() { return Error::not_found("API key not found", "api_key_not_found"); }

}  // namespace

boost::asio::awaitable<Status> SqliteApiKeyRepository::create(ApiKey key) {
  co_return co_await database_.transaction("create_api_key", [&](sqlite3* connection) -> Status {
    Statement insert(connection, "INSERT INTO api_keys(" + std::string(kColumns) + ")" +
                                     std::string(kInsertValues));
    insert.bind(1, key.id)
        .bind(2, key.user_id)
        .bind(3, key.name)
        .bind(4, key.prefix)
        .bind(5, key.secret_hash)
        .bind(6, encode(key.allowed_tools))
        .bind(7, encode(key.allowed_models))
        .bind(8, persistence::encode_name_list(key.approval_required_tools));
    bind_time(insert, 9, key.expires_at);
    if (key.rate_limit_per_minute) {
      insert.bind(10, std::int64_t{*key.rate_limit_per_minute});
    } else {
      insert.bind(10, nullptr);
    }
    bind_time(insert, 11, key.created_at);
    bind_time(insert, 12, key.last_used_at);
    bind_time(insert, 13, key.revoked_at).bind(14, std::int64_t{key.can_approve ? 1 : 0});
    bind_limits(insert, 15, key.limits).step();
    return ok_status();
  });
}

boost::asio::awaitable<Result<ApiKey>> SqliteApiKeyRepository::find_by_hash(
    std::string secret_hash) {
  co_return co_await database_.read("find_api_key", [&](sqlite3* connection) -> Result<ApiKey> {
    auto key = find_one(connection, select_keys(kByHash), secret_hash, read_key);
    if (!key) return key_not_found();
    return std::move(*key);
  });
}

boost::asio::awaitable<Result<ApiKey>> SqliteApiKeyRepository::find_by_id(std::string key_id) {
  co_return co_await database_.read("find_api_key", [&](sqlite3* connection) -> Result<ApiKey> {
    auto key = find_one(connection, select_keys(kById), key_id, read_key);
    if (!key) return key_not_found();
    return std::move(*key);
  });
}

boost::asio::awaitable<Result<Page<ApiKey>>> SqliteApiKeyRepository::list_all(
    int limit, std::optional<std::string> after) {
  if (limit < 1) co_return Error::invalid("limit must be at least 1", "limit", "invalid_limit");
  co_return co_await database_.read("list_all_api_keys", [&](sqlite3* connection) {
    return newest_first_page(connection, select_keys(""), std::nullopt, limit, after, read_key);
  });
}

boost::asio::awaitable<Result<Page<ApiKey>>> SqliteApiKeyRepository::list(
    std::string user_id, int limit, std::optional<std::string> after) {
  // LIMIT would read a negative count as "no limit".
  if (limit < 1) co_return Error::invalid("limit must be at least 1", "limit", "invalid_limit");
  co_return co_await database_.read("list_api_keys", [&](sqlite3* connection) {
    return newest_first_page(connection, select_keys(""), user_id, limit, after, read_key);
  });
}

boost::asio::awaitable<Status> SqliteApiKeyRepository::revoke(std::string user_id,
                                                              std::string key_id, Timestamp now) {
  co_return co_await database_.transaction("revoke_api_key", [&](sqlite3* connection) -> Status {
    Statement revoke(connection, kRevoke);
    bind_time(revoke, 1, now).bind(2, key_id).bind(3, user_id).step();
    // Another user's key is reported exactly like a missing one: its existence is private.
    if (revoke.changed_rows() == 0) return key_not_found();
    return ok_status();
  });
}

boost::asio::awaitable<Result<ApiKey>> SqliteApiKeyRepository::update_limits(
    std::string user_id, std::string key_id, SpendingLimits limits) {
  co_return co_await database_.transaction(
      "update_api_key_limits", [&](sqlite3* connection) -> Result<ApiKey> {
        Statement update(connection, kUpdateLimits);
        bind_limits(update, 1, limits).bind(5, key_id).bind(6, user_id).step();
        if (update.changed_rows() == 0) return key_not_found();
        auto key = find_one(connection, select_keys(kById), key_id, read_key);
        if (!key) return key_not_found();
        return std::move(*key);
      });
}

boost::asio::awaitable<Status> SqliteApiKeyRepository::record_use(std::string key_id,
                                                                  Timestamp now) {
  co_return co_await database_.transaction("record_api_key_use",
                                           [&](sqlite3* connection) -> Status {
                                             Statement record(connection, kRecordUse);
                                             bind_time(record, 1, now).bind(2, key_id).step();
                                             if (record.changed_rows() == 0) return key_not_found();
                                             return ok_status();
                                           });
}

}  // namespace agentd::sqlite
