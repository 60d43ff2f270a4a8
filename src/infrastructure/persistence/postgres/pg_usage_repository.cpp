#include "infrastructure/persistence/postgres/pg_usage_repository.h"

#include <string>

namespace agentd::postgres {
namespace {

namespace asio = boost::asio;

constexpr std::string_view kUsageInsert =
    "INSERT INTO usage_records(id, user_id, api_key_id, model, provider, input_tokens, "
    "output_tokens, cached_tokens, cost_nanos, latency_ms, status, created_at) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)";

std::string usage_summary_of(std::string_view column) {
  return "SELECT " + std::string(column) +
         " AS grouped, COUNT(*), SUM(input_tokens), SUM(output_tokens), SUM(cached_tokens), "
         "SUM(cost_nanos) FROM usage_records "
         "WHERE ($1::uuid IS NULL OR user_id = $1::uuid) "
         "AND ($2::timestamptz IS NULL OR created_at >= $2::timestamptz) "
         "AND ($3::timestamptz IS NULL OR created_at < $3::timestamptz) "
         "GROUP BY grouped ORDER BY grouped";
}

// One statement per grouping, each prepared once per connection under its own text.
const std::string& usage_summary_sql(UsageGrouping grouping) {
  static const std::string by_day =
      usage_summary_of("to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD')");
  static const std::string by_model = usage_summary_of("model COLLATE \"C\"");
  // Ordered as text, as SQLite orders it: "" (a person's session) first.
  static const std::string by_key =
      usage_summary_of("COALESCE(api_key_id::text, '') COLLATE \"C\"");
  static const std::string by_day_key = usage_summary_of(
      "(to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') || ' ' || "
      "COALESCE(api_key_id::text, '')) COLLATE \"C\"");
  switch (grouping) {
    case UsageGrouping::day:
      return by_day;
    case UsageGrouping::model:
      return by_model;
    case UsageGrouping::key:
      return by_key;
    case UsageGrouping::day_key:
      return by_day_key;
  }
  return by_model;
}

}  // namespace

asio::awaitable<Status> PgUsageRepository::append(std::vector<UsageRecord> records) {
  if (records.empty()) co_return ok_status();
  co_return co_await pool_.transaction(
      "append_usage", [&](PgConnection& db) -> asio::awaitable<Status> {
        std::vector<PgStatement> inserts;
        inserts.reserve(records.size());
        for (const auto& record : records) {
          inserts.push_back(
              {kUsageInsert,
               PgParams(record.id, record.user_id, record.api_key_id, record.model, record.provider,
                        record.input_tokens, record.output_tokens, record.cached_tokens,
                        record.cost_nanos, record.latency_ms, record.status, record.created_at)});
        }
        co_await db.execute_all(inserts);
        co_return ok_status();
      });
}

asio::awaitable<Result<std::vector<UsageGroup>>> PgUsageRepository::summarize(
    UsageFilter filter, UsageGrouping grouping) {
  co_return co_await pool_.read(
      "summarize_usage", [&](PgConnection& db) -> asio::awaitable<Result<std::vector<UsageGroup>>> {
        const auto rows = co_await db.execute(usage_summary_sql(grouping),
                                              PgParams(filter.user_id, filter.from, filter.to));
        std::vector<UsageGroup> groups;
        groups.reserve(static_cast<std::size_t>(rows.size()));
        for (int row = 0; row < rows.size(); ++row) {
          groups.push_back({rows.text(row, 0), rows.integer(row, 1), rows.integer(row, 2),
                            rows.integer(row, 3), rows.integer(row, 4),
                            rows.optional_integer(row, 5)});
        }
        co_return groups;
      });
}

}  // namespace agentd::postgres
