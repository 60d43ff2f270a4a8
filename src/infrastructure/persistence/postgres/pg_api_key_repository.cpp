#include "infrastructure/persistence/postgres/pg_api_key_repository.h"

#include <stdexcept>

#include "infrastructure/persistence/name_list_codec.h"
#include "infrastructure/persistence/postgres/pg_ids.h"
#include "infrastructure/persistence/postgres/pg_limit_columns.h"
#include "infrastructure/persistence/postgres/pg_page.h"

namespace agentd::postgres {
namespace {

namespace asio = boost::asio;

constexpr std::string_view kApiKeyColumns =
    "id, user_id, name, prefix, secret_hash, allowed_tools, allowed_models, "
    "approval_required_tools, expires_at, rate_limit_per_minute, created_at, last_used_at, "
    "revoked_at, can_approve, budget_max_tokens, budget_max_cost_nanos, budget_period, "
    "tokens_per_minute";
constexpr std::string_view kApiKeyInsertValues =
    " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)";
// The key as it is after the change, in the same round trip.
constexpr std::string_view kApiKeyUpdateLimits =
    "UPDATE api_keys SET budget_max_tokens = $1, budget_max_cost_nanos = $2, budget_period = $3, "
    "tokens_per_minute = $4 WHERE id = $5 AND user_id = $6 RETURNING ";
constexpr std::string_view kApiKeyByHash = " WHERE secret_hash = $1";

// COALESCE keeps the first revocation time while the row still counts as changed, so zero
// changed rows means only "no such key of this user".
constexpr std::string_view kApiKeyRevoke =
    "UPDATE api_keys SET revoked_at = COALESCE(revoked_at, $1) WHERE id = $2 AND user_id = $3";
// Concurrent requests may record their uses out of order; the stored time only moves forward
// (GREATEST skips a NULL, so the first use is stored as it is).
constexpr std::string_view kApiKeyRecordUse =
    "UPDATE api_keys SET last_used_at = GREATEST(last_used_at, $1) WHERE id = $2";

std::optional<std::string> encode_api_key_names(const NameAllowList& list) {
  if (!list) return std::nullopt;
  return persistence::encode_name_list(*list);
}

NameAllowList decode_api_key_names(const std::optional<std::string>& json) {
  if (!json) return std::nullopt;
  return persistence::decode_name_list(*json);
}

ApiKey read_api_key_row(const PgRows& rows, int row) {
  ApiKey key;
  key.id = rows.text(row, 0);
  key.user_id = rows.text(row, 1);
  key.name = rows.text(row, 2);
  key.prefix = rows.text(row, 3);
  key.secret_hash = rows.text(row, 4);
  key.allowed_tools = decode_api_key_names(rows.optional_text(row, 5));
  key.allowed_models = decode_api_key_names(rows.optional_text(row, 6));
  key.approval_required_tools = persistence::decode_name_list(rows.view(row, 7));
  key.expires_at = rows.optional_time(row, 8);
  if (const auto limit = rows.optional_integer(row, 9)) {
    key.rate_limit_per_minute = static_cast<int>(*limit);
  }
  key.created_at = rows.time(row, 10);
  key.last_used_at = rows.optional_time(row, 11);
  key.revoked_at = rows.optional_time(row, 12);
  key.can_approve = rows.boolean(row, 13);
  key.limits = read_limits(rows, row, 14);
  return key;
}

std::string select_api_keys(std::string_view condition) {
  return "SELECT " + std::string(kApiKeyColumns) + " FROM api_keys" + std::string(condition);
}

Error api_key_not_found() { return Error::not_found("API key not found", "api_key_not_found"); }

}  // namespace

asio::awaitable<Status> PgApiKeyRepository::create(ApiKey key) {
  co_return co_await pool_.transaction(
      "create_api_key", [&](PgConnection& db) -> asio::awaitable<Status> {
        const std::string insert = "INSERT INTO api_keys(" + std::string(kApiKeyColumns) + ")" +
                                   std::string(kApiKeyInsertValues);
        const auto limits = limit_columns(key.limits);
        co_await db.execute(
            insert, PgParams(key.id, key.user_id, key.name, key.prefix, key.secret_hash,
                             encode_api_key_names(key.allowed_tools),
                             encode_api_key_names(key.allowed_models),
                             persistence::encode_name_list(key.approval_required_tools),
                             key.expires_at, key.rate_limit_per_minute, key.created_at,
                             key.last_used_at, key.revoked_at, key.can_approve, limits.max_tokens,
                             limits.max_cost_nanos, limits.period, limits.tokens_per_minute));
        co_return ok_status();
      });
}

asio::awaitable<Result<ApiKey>> PgApiKeyRepository::find_by_hash(std::string secret_hash) {
  // A hash is text, not an id: any value may be asked for.
  co_return co_await pool_.read(
      "find_api_key", [&](PgConnection& db) -> asio::awaitable<Result<ApiKey>> {
        const std::string select = select_api_keys(kApiKeyByHash);
        const auto rows = co_await db.execute(select, PgParams(secret_hash));
        if (rows.empty()) co_return api_key_not_found();
        co_return read_api_key_row(rows, 0);
      });
}

asio::awaitable<Result<ApiKey>> PgApiKeyRepository::find_by_id(std::string key_id) {
  if (!is_uuid(key_id)) co_return api_key_not_found();
  co_return co_await pool_.read("find_api_key",
                                [&](PgConnection& db) -> asio::awaitable<Result<ApiKey>> {
                                  const std::string select = select_api_keys(" WHERE id = $1");
                                  const auto rows = co_await db.execute(select, PgParams(key_id));
                                  if (rows.empty()) co_return api_key_not_found();
                                  co_return read_api_key_row(rows, 0);
                                });
}

asio::awaitable<Result<Page<ApiKey>>> PgApiKeyRepository::list_all(
    int limit, std::optional<std::string> after) {
  if (limit < 1) co_return Error::invalid("limit must be at least 1", "limit", "invalid_limit");
  co_return co_await pool_.read("list_all_api_keys",
                                [&](PgConnection& db) -> asio::awaitable<Result<Page<ApiKey>>> {
                                  const std::string select = select_api_keys("");
                                  co_return co_await newest_first_page(
                                      db, select, std::nullopt, limit, after, read_api_key_row);
                                });
}

asio::awaitable<Result<Page<ApiKey>>> PgApiKeyRepository::list(std::string user_id, int limit,
                                                               std::optional<std::string> after) {
  // LIMIT would fail on a negative count, and a page needs at least one row.
  if (limit < 1) co_return Error::invalid("limit must be at least 1", "limit", "invalid_limit");
  co_return co_await pool_.read(
      "list_api_keys", [&](PgConnection& db) -> asio::awaitable<Result<Page<ApiKey>>> {
        const std::string select = select_api_keys("");
        co_return co_await newest_first_page(db, select, "user_id", user_id, limit, after,
                                             read_api_key_row);
      });
}

asio::awaitable<Status> PgApiKeyRepository::revoke(std::string user_id, std::string key_id,
                                                   Timestamp now) {
  // A key id from a URL that is no UUID names no key.
  if (!is_uuid(key_id) || !is_uuid(user_id)) co_return api_key_not_found();
  co_return co_await pool_.transaction(
      "revoke_api_key", [&](PgConnection& db) -> asio::awaitable<Status> {
        const auto revoked = co_await db.execute(kApiKeyRevoke, PgParams(now, key_id, user_id));
        // Another user's key is reported exactly like a missing one: its existence is private.
        if (revoked.affected() == 0) co_return api_key_not_found();
        co_return ok_status();
      });
}

asio::awaitable<Result<ApiKey>> PgApiKeyRepository::update_limits(std::string user_id,
                                                                  std::string key_id,
                                                                  SpendingLimits limits) {
  if (!is_uuid(key_id) || !is_uuid(user_id)) co_return api_key_not_found();
  co_return co_await pool_.single(
      "update_api_key_limits", [&](PgConnection& db) -> asio::awaitable<Result<ApiKey>> {
        const auto columns = limit_columns(limits);
        const std::string update = std::string(kApiKeyUpdateLimits) + std::string(kApiKeyColumns);
        const auto rows = co_await db.execute(
            update, PgParams(columns.max_tokens, columns.max_cost_nanos, columns.period,
                             columns.tokens_per_minute, key_id, user_id));
        if (rows.empty()) co_return api_key_not_found();
        co_return read_api_key_row(rows, 0);
      });
}

asio::awaitable<Status> PgApiKeyRepository::record_use(std::string key_id, Timestamp now) {
  if (!is_uuid(key_id)) co_return api_key_not_found();
  co_return co_await pool_.single(
      "record_api_key_use", [&](PgConnection& db) -> asio::awaitable<Status> {
        const auto recorded = co_await db.execute(kApiKeyRecordUse, PgParams(now, key_id));
        if (recorded.affected() == 0) co_return api_key_not_found();
        co_return ok_status();
      });
}

}  // namespace agentd::postgres
