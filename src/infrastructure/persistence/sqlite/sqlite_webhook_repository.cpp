#include "infrastructure/persistence/sqlite/sqlite_webhook_repository.h"

#include "infrastructure/persistence/name_list_codec.h"
#include "infrastructure/persistence/sqlite/find_one.h"
#include "infrastructure/persistence/sqlite/newest_first_page.h"
#include "infrastructure/persistence/sqlite/time_columns.h"
#include "infrastructure/persistence/webhook_errors.h"

namespace agentd::sqlite {
namespace {

constexpr std::string_view kWebhookColumns =
    "id, user_id, url, events, description, secret_sealed, created_at";
constexpr std::string_view kDeliveryColumns =
    "id, webhook_id, event_id, event_type, data, status, attempts, next_attempt_at, created_at";
constexpr std::string_view kAttemptColumns =
    "id, delivery_id, webhook_id, event_id, event_type, attempt, status_code, error, "
    "duration_ms, attempted_at, next_attempt_at";

Webhook read_webhook(const Statement& row) {
  return Webhook{row.text(0),          row.text(1),
                 row.text(2),          persistence::decode_name_list(row.text(3)),
                 row.optional_text(4), row.text(5),
                 time_column(row, 6)};
}

// From column `first` on, in kDeliveryColumns' order.
WebhookDelivery read_delivery(const Statement& row, int first = 0) {
  WebhookDelivery delivery;
  delivery.id = row.text(first);
  delivery.webhook_id = row.text(first + 1);
  delivery.event_id = row.text(first + 2);
  delivery.event_type = row.text(first + 3);
  delivery.data = row.text(first + 4);
  delivery.status = parse_delivery_status(row.text(first + 5)).value_or(DeliveryStatus::pending);
  delivery.attempts = static_cast<int>(row.integer(first + 6));
  delivery.next_attempt_at = time_column(row, first + 7);
  delivery.created_at = time_column(row, first + 8);
  return delivery;
}

DeliveryAttempt read_attempt(const Statement& row) {
  DeliveryAttempt attempt;
  attempt.id = row.text(0);
  attempt.delivery_id = row.text(1);
  attempt.webhook_id = row.text(2);
  attempt.event_id = row.text(3);
  attempt.event_type = row.text(4);
  attempt.attempt = static_cast<int>(row.integer(5));
  if (!row.is_null(6)) attempt.status_code = static_cast<int>(row.integer(6));
  attempt.error = row.optional_text(7);
  attempt.duration_ms = row.integer(8);
  attempt.attempted_at = time_column(row, 9);
  attempt.next_attempt_at = optional_time_column(row, 10);
  return attempt;
}

std::string select_from(std::string_view columns, std::string_view table) {
  return "SELECT " + std::string(columns) + " FROM " + std::string(table);
}

}  // namespace

boost::asio::awaitable<Status> SqliteWebhookRepository::create(Webhook webhook, int max_per_user) {
  co_return co_await database_.transaction("create_webhook", [&](sqlite3* connection) -> Status {
    Statement count(connection, "SELECT count(*) FROM webhooks WHERE user_id = ?");
    count.bind(1, webhook.user_id).step();
    if (count.integer(0) >= max_per_user) return persistence::too_many_webhooks(max_per_user);
    Statement insert(connection, "INSERT INTO webhooks(" + std::string(kWebhookColumns) +
                                     ") VALUES (?, ?, ?, ?, ?, ?, ?)");
    insert.bind(1, webhook.id)
        .bind(2, webhook.user_id)
        .bind(3, webhook.url)
        .bind(4, persistence::encode_name_list(webhook.events))
        .bind(5, webhook.description)
        .bind(6, webhook.sealed_secret);
    bind_time(insert, 7, webhook.created_at).step();
    return ok_status();
  });
}

boost::asio::awaitable<Result<Webhook>> SqliteWebhookRepository::find(std::string user_id,
                                                                      std::string webhook_id) {
  co_return co_await database_.read("find_webhook", [&](sqlite3* connection) -> Result<Webhook> {
    Statement query(connection,
                    select_from(kWebhookColumns, "webhooks") + " WHERE id = ? AND user_id = ?");
    query.bind(1, webhook_id).bind(2, user_id);
    // Another user's webhook is reported exactly like a missing one.
    if (!query.step()) return persistence::webhook_not_found();
    return read_webhook(query);
  });
}

boost::asio::awaitable<Result<Page<Webhook>>> SqliteWebhookRepository::list(
    std::string user_id, int limit, std::optional<std::string> after) {
  if (limit < 1) co_return Error::invalid("limit must be at least 1", "limit", "invalid_limit");
  co_return co_await database_.read("list_webhooks", [&](sqlite3* connection) {
    return newest_first_page(connection, select_from(kWebhookColumns, "webhooks"), user_id, limit,
                             after, read_webhook);
  });
}

boost::asio::awaitable<Result<std::vector<Webhook>>> SqliteWebhookRepository::all_of(
    std::string user_id) {
  co_return co_await database_.read(
      "webhooks_of_user", [&](sqlite3* connection) -> Result<std::vector<Webhook>> {
        Statement query(connection, select_from(kWebhookColumns, "webhooks") +
                                        " WHERE user_id = ? ORDER BY id");
        query.bind(1, user_id);
        std::vector<Webhook> webhooks;
        while (query.step()) webhooks.push_back(read_webhook(query));
        return webhooks;
      });
}

boost::asio::awaitable<Status> SqliteWebhookRepository::remove(std::string user_id,
                                                               std::string webhook_id) {
  co_return co_await database_.transaction("delete_webhook", [&](sqlite3* connection) -> Status {
    Statement remove(connection, "DELETE FROM webhooks WHERE id = ? AND user_id = ?");
    remove.bind(1, webhook_id).bind(2, user_id).step();
    if (remove.changed_rows() == 0) return persistence::webhook_not_found();
    return ok_status();
  });
}

boost::asio::awaitable<Status> SqliteWebhookRepository::enqueue(
    std::vector<WebhookDelivery> deliveries) {
  co_return co_await database_.transaction(
      "enqueue_webhook_deliveries", [&](sqlite3* connection) -> Status {
        // INSERT … SELECT: a webhook deleted since it was matched gets no row (and no error).
        const std::string sql = "INSERT INTO webhook_deliveries(" + std::string(kDeliveryColumns) +
                                ") SELECT ?, id, ?, ?, ?, ?, ?, ?, ? FROM webhooks WHERE id = ?";
        for (const auto& delivery : deliveries) {
          Statement insert(connection, sql);
          insert.bind(1, delivery.id)
              .bind(2, delivery.event_id)
              .bind(3, delivery.event_type)
              .bind(4, delivery.data)
              .bind(5, to_string(delivery.status))
              .bind(6, std::int64_t{delivery.attempts});
          bind_time(insert, 7, delivery.next_attempt_at);
          bind_time(insert, 8, delivery.created_at).bind(9, delivery.webhook_id).step();
        }
        return ok_status();
      });
}

boost::asio::awaitable<Result<std::vector<DueDelivery>>> SqliteWebhookRepository::claim_due(
    Timestamp now, Timestamp lease_until, int limit) {
  co_return co_await database_.transaction(
      "claim_webhook_deliveries", [&](sqlite3* connection) -> Result<std::vector<DueDelivery>> {
        std::string columns;
        for (auto column : {"id", "webhook_id", "event_id", "event_type", "data", "status",
                            "attempts", "next_attempt_at", "created_at"}) {
          columns += (columns.empty() ? "d." : ", d.") + std::string(column);
        }
        Statement query(connection, "SELECT " + columns +
                                        ", w.url, w.secret_sealed FROM webhook_deliveries d "
                                        "JOIN webhooks w ON w.id = d.webhook_id "
                                        "WHERE d.status = 'pending' AND d.next_attempt_at <= ? "
                                        "ORDER BY d.next_attempt_at LIMIT ?");
        bind_time(query, 1, now).bind(2, std::int64_t{limit});
        std::vector<DueDelivery> due;
        while (query.step()) {
          due.push_back(DueDelivery{read_delivery(query), query.text(9), query.text(10)});
        }
        for (auto& claimed : due) {
          Statement claim(connection,
                          "UPDATE webhook_deliveries SET next_attempt_at = ? WHERE id = ?");
          bind_time(claim, 1, lease_until).bind(2, claimed.delivery.id).step();
          claimed.delivery.next_attempt_at = lease_until;
        }
        return due;
      });
}

boost::asio::awaitable<Status> SqliteWebhookRepository::record_attempt(DeliveryAttempt attempt,
                                                                       DeliveryStatus status) {
  co_return co_await database_.transaction(
      "record_webhook_attempt", [&](sqlite3* connection) -> Status {
        Statement insert(connection, "INSERT INTO webhook_attempts(" +
                                         std::string(kAttemptColumns) +
                                         ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
        insert.bind(1, attempt.id)
            .bind(2, attempt.delivery_id)
            .bind(3, attempt.webhook_id)
            .bind(4, attempt.event_id)
            .bind(5, attempt.event_type)
            .bind(6, std::int64_t{attempt.attempt});
        if (attempt.status_code) {
          insert.bind(7, std::int64_t{*attempt.status_code});
        } else {
          insert.bind(7, nullptr);
        }
        insert.bind(8, attempt.error).bind(9, attempt.duration_ms);
        bind_time(insert, 10, attempt.attempted_at);
        bind_time(insert, 11, attempt.next_attempt_at).step();
        // A delivery that is finished stays so, whatever a late attempt says.
        Statement update(connection,
                         "UPDATE webhook_deliveries SET status = ?, attempts = max(attempts, ?), "
                         "next_attempt_at = COALESCE(?, next_attempt_at) "
                         "WHERE id = ? AND status = 'pending'");
        update.bind(1, to_string(status)).bind(2, std::int64_t{attempt.attempt});
        bind_time(update, 3, attempt.next_attempt_at).bind(4, attempt.delivery_id).step();
        return ok_status();
      });
}

boost::asio::awaitable<Result<Page<DeliveryAttempt>>> SqliteWebhookRepository::list_attempts(
    std::string webhook_id, int limit, std::optional<std::string> after) {
  if (limit < 1) co_return Error::invalid("limit must be at least 1", "limit", "invalid_limit");
  co_return co_await database_.read("list_webhook_attempts", [&](sqlite3* connection) {
    return newest_first_page(connection, select_from(kAttemptColumns, "webhook_attempts"),
                             "webhook_id", webhook_id, limit, after, read_attempt);
  });
}

boost::asio::awaitable<Result<WebhookDelivery>> SqliteWebhookRepository::find_delivery(
    std::string delivery_id) {
  co_return co_await database_.read(
      "find_webhook_delivery", [&](sqlite3* connection) -> Result<WebhookDelivery> {
        auto delivery = find_one(
            connection, select_from(kDeliveryColumns, "webhook_deliveries") + " WHERE id = ?",
            delivery_id, [](const Statement& row) { return read_delivery(row); });
        if (!delivery) return Error::not_found("delivery not found", "delivery_not_found");
        return std::move(*delivery);
      });
}

}  // namespace agentd::sqlite
