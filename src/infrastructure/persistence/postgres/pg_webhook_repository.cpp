#include "infrastructure/persistence/postgres/pg_webhook_repository.h"

#include "infrastructure/persistence/name_list_codec.h"
#include "infrastructure/persistence/postgres/pg_ids.h"
#include "infrastructure/persistence/postgres/pg_page.h"
#include "infrastructure/persistence/webhook_errors.h"

namespace agentd::postgres {
namespace {

namespace asio = boost::asio;

constexpr std::string_view kWebhookColumns =
    "id, user_id, url, events, description, secret_sealed, created_at";
constexpr std::string_view kDeliveryColumns =
    "id, webhook_id, event_id, event_type, data, status, attempts, next_attempt_at, created_at";
constexpr std::string_view kAttemptColumns =
    "id, delivery_id, webhook_id, event_id, event_type, attempt, status_code, error, "
    "duration_ms, attempted_at, next_attempt_at";

// A webhook deleted since the event was matched to it gets no row, and no error.
constexpr std::string_view kEnqueue =
    "INSERT INTO webhook_deliveries(id, webhook_id, event_id, event_type, data, status, attempts, "
    "next_attempt_at, created_at) SELECT $1, id, $2, $3, $4, $5, $6, $7, $8 FROM webhooks "
    "WHERE id = $9";
// One statement: the due rows are locked, skipped by every other claimer, and moved forward
// by the lease before the lock is released.
constexpr std::string_view kClaim =
    "UPDATE webhook_deliveries d SET next_attempt_at = $2 FROM webhooks w "
    "WHERE w.id = d.webhook_id AND d.id IN (SELECT id FROM webhook_deliveries "
    "WHERE status = 'pending' AND next_attempt_at <= $1 ORDER BY next_attempt_at LIMIT $3 "
    "FOR UPDATE SKIP LOCKED) "
    "RETURNING d.id, d.webhook_id, d.event_id, d.event_type, d.data, d.status, d.attempts, "
    "d.next_attempt_at, d.created_at, w.url, w.secret_sealed";
// A delivery that is finished stays so, whatever a late attempt says.
constexpr std::string_view kMoveOn =
    "UPDATE webhook_deliveries SET status = $1, attempts = GREATEST(attempts, $2), "
    "next_attempt_at = COALESCE($3, next_attempt_at) WHERE id = $4 AND status = 'pending'";

Webhook read_webhook(const PgRows& rows, int row) {
  return Webhook{rows.text(row, 0),          rows.text(row, 1),
                 rows.text(row, 2),          persistence::decode_name_list(rows.view(row, 3)),
                 rows.optional_text(row, 4), rows.text(row, 5),
                 rows.time(row, 6)};
}

WebhookDelivery read_delivery(const PgRows& rows, int row) {
  WebhookDelivery delivery;
  delivery.id = rows.text(row, 0);
  delivery.webhook_id = rows.text(row, 1);
  delivery.event_id = rows.text(row, 2);
  delivery.event_type = rows.text(row, 3);
  delivery.data = rows.text(row, 4);
  delivery.status = parse_delivery_status(rows.view(row, 5)).value_or(DeliveryStatus::pending);
  delivery.attempts = static_cast<int>(rows.integer(row, 6));
  delivery.next_attempt_at = rows.time(row, 7);
  delivery.created_at = rows.time(row, 8);
  return delivery;
}

DeliveryAttempt read_attempt(const PgRows& rows, int row) {
  DeliveryAttempt attempt;
  attempt.id = rows.text(row, 0);
  attempt.delivery_id = rows.text(row, 1);
  attempt.webhook_id = rows.text(row, 2);
  attempt.event_id = rows.text(row, 3);
  attempt.event_type = rows.text(row, 4);
  attempt.attempt = static_cast<int>(rows.integer(row, 5));
  if (auto code = rows.optional_integer(row, 6)) attempt.status_code = static_cast<int>(*code);
  attempt.error = rows.optional_text(row, 7);
  attempt.duration_ms = rows.integer(row, 8);
  attempt.attempted_at = rows.time(row, 9);
  attempt.next_attempt_at = rows.optional_time(row, 10);
  return attempt;
}

std::string select_from(std::string_view columns, std::string_view table) {
  return "SELECT " + std::string(columns) + " FROM " + std::string(table);
}

}  // namespace

asio::awaitable<Status> PgWebhookRepository::create(Webhook webhook, int max_per_user) {
  co_return co_await pool_.transaction(
      "create_webhook", [&](PgConnection& db) -> asio::awaitable<Status> {
        // Locks the user's row, so concurrent creations are counted one after the other.
        co_await db.execute("SELECT id FROM users WHERE id = $1 FOR UPDATE",
                            PgParams(webhook.user_id));
        const auto count = co_await db.execute("SELECT count(*) FROM webhooks WHERE user_id = $1",
                                               PgParams(webhook.user_id));
        if (count.integer(0, 0) >= max_per_user) {
          co_return persistence::too_many_webhooks(max_per_user);
        }
        const std::string insert = "INSERT INTO webhooks(" + std::string(kWebhookColumns) +
                                   ") VALUES ($1, $2, $3, $4, $5, $6, $7)";
        co_await db.execute(
            insert, PgParams(webhook.id, webhook.user_id, webhook.url,
                             persistence::encode_name_list(webhook.events), webhook.description,
                             webhook.sealed_secret, webhook.created_at));
        co_return ok_status();
      });
}

asio::awaitable<Result<Webhook>> PgWebhookRepository::find(std::string user_id,
                                                           std::string webhook_id) {
  if (!is_uuid(webhook_id) || !is_uuid(user_id)) co_return persistence::webhook_not_found();
  co_return co_await pool_.read(
      "find_webhook", [&](PgConnection& db) -> asio::awaitable<Result<Webhook>> {
        const std::string query =
            select_from(kWebhookColumns, "webhooks") + " WHERE id = $1 AND user_id = $2";
        const auto rows = co_await db.execute(query, PgParams(webhook_id, user_id));
        // Another user's webhook is reported exactly like a missing one.
        if (rows.empty()) co_return persistence::webhook_not_found();
        co_return read_webhook(rows, 0);
      });
}

asio::awaitable<Result<Page<Webhook>>> PgWebhookRepository::list(std::string user_id, int limit,
                                                                 std::optional<std::string> after) {
  if (limit < 1) co_return Error::invalid("limit must be at least 1", "limit", "invalid_limit");
  co_return co_await pool_.read(
      "list_webhooks", [&](PgConnection& db) -> asio::awaitable<Result<Page<Webhook>>> {
        const std::string query = select_from(kWebhookColumns, "webhooks");
        co_return co_await newest_first_page(db, query, "user_id", user_id, limit, after,
                                             read_webhook);
      });
}

asio::awaitable<Result<std::vector<Webhook>>> PgWebhookRepository::all_of(std::string user_id) {
  if (!is_uuid(user_id)) co_return std::vector<Webhook>{};
  co_return co_await pool_.read(
      "webhooks_of_user", [&](PgConnection& db) -> asio::awaitable<Result<std::vector<Webhook>>> {
        const std::string query =
            select_from(kWebhookColumns, "webhooks") + " WHERE user_id = $1 ORDER BY id";
        const auto rows = co_await db.execute(query, PgParams(user_id));
        std::vector<Webhook> webhooks;
        for (int row = 0; row < rows.size(); ++row) webhooks.push_back(read_webhook(rows, row));
        co_return webhooks;
      });
}

asio::awaitable<Status> PgWebhookRepository::remove(std::string user_id, std::string webhook_id) {
  if (!is_uuid(webhook_id) || !is_uuid(user_id)) co_return persistence::webhook_not_found();
  co_return co_await pool_.single(
      "delete_webhook", [&](PgConnection& db) -> asio::awaitable<Status> {
        const auto removed = co_await db.execute(
            "DELETE FROM webhooks WHERE id = $1 AND user_id = $2", PgParams(webhook_id, user_id));
        if (removed.affected() == 0) co_return persistence::webhook_not_found();
        co_return ok_status();
      });
}

asio::awaitable<Status> PgWebhookRepository::enqueue(std::vector<WebhookDelivery> deliveries) {
  co_return co_await pool_.transaction(
      "enqueue_webhook_deliveries", [&](PgConnection& db) -> asio::awaitable<Status> {
        for (const auto& delivery : deliveries) {
          co_await db.execute(
              kEnqueue,
              PgParams(delivery.id, delivery.event_id, delivery.event_type, delivery.data,
                       to_string(delivery.status), delivery.attempts, delivery.next_attempt_at,
                       delivery.created_at, delivery.webhook_id));
        }
        co_return ok_status();
      });
}

asio::awaitable<Result<std::vector<DueDelivery>>> PgWebhookRepository::claim_due(
    Timestamp now, Timestamp lease_until, int limit) {
  co_return co_await pool_.single(
      "claim_webhook_deliveries",
      [&](PgConnection& db) -> asio::awaitable<Result<std::vector<DueDelivery>>> {
        const auto rows = co_await db.execute(kClaim, PgParams(now, lease_until, limit));
        std::vector<DueDelivery> due;
        for (int row = 0; row < rows.size(); ++row) {
          due.push_back(
              DueDelivery{read_delivery(rows, row), rows.text(row, 9), rows.text(row, 10)});
        }
        co_return due;
      });
}

asio::awaitable<Status> PgWebhookRepository::record_attempt(DeliveryAttempt attempt,
                                                            DeliveryStatus status) {
  co_return co_await pool_.transaction(
      "record_webhook_attempt", [&](PgConnection& db) -> asio::awaitable<Status> {
        const std::string insert = "INSERT INTO webhook_attempts(" + std::string(kAttemptColumns) +
                                   ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)";
        co_await db.execute(
            insert,
            PgParams(attempt.id, attempt.delivery_id, attempt.webhook_id, attempt.event_id,
                     attempt.event_type, attempt.attempt, attempt.status_code, attempt.error,
                     attempt.duration_ms, attempt.attempted_at, attempt.next_attempt_at));
        co_await db.execute(kMoveOn, PgParams(to_string(status), attempt.attempt,
                                              attempt.next_attempt_at, attempt.delivery_id));
        co_return ok_status();
      });
}

asio::awaitable<Result<Page<DeliveryAttempt>>> PgWebhookRepository::list_attempts(
    std::string webhook_id, int limit, std::optional<std::string> after) {
  if (limit < 1) co_return Error::invalid("limit must be at least 1", "limit", "invalid_limit");
  co_return co_await pool_.read(
      "list_webhook_attempts",
      [&](PgConnection& db) -> asio::awaitable<Result<Page<DeliveryAttempt>>> {
        const std::string query = select_from(kAttemptColumns, "webhook_attempts");
        co_return co_await newest_first_page(db, query, "webhook_id", webhook_id, limit, after,
                                             read_attempt);
      });
}

asio::awaitable<Result<WebhookDelivery>> PgWebhookRepository::find_delivery(
    std::string delivery_id) {
  if (!is_uuid(delivery_id)) co_return Error::not_found("delivery not found", "delivery_not_found");
  co_return co_await pool_.read(
      "find_webhook_delivery", [&](PgConnection& db) -> asio::awaitable<Result<WebhookDelivery>> {
        const std::string query =
            select_from(kDeliveryColumns, "webhook_deliveries") + " WHERE id = $1";
        const auto rows = co_await db.execute(query, PgParams(delivery_id));
        if (rows.empty()) co_return Error::not_found("delivery not found", "delivery_not_found");
        co_return read_delivery(rows, 0);
      });
}

}  // namespace agentd::postgres
