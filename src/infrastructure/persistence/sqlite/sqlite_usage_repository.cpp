#include "infrastructure/persistence/sqlite/sqlite_usage_repository.h"

#include <string>

#include "infrastructure/persistence/sqlite/time_columns.h"

namespace agentd::sqlite {
namespace {

constexpr std::string_view kUsageInsert =
    "INSERT INTO usage_records(id, user_id, api_key_id, model, provider, input_tokens, "
    "output_tokens, cached_tokens, cost_nanos, latency_ms, status, created_at) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

// Times are stored as fixed-width RFC 3339 UTC text, so their first ten characters are the
// day and text order is time order.
std::string_view usage_group_column(UsageGrouping grouping) {
  switch (grouping) {
    case UsageGrouping::day:
      return "substr(created_at, 1, 10)";
    case UsageGrouping::model:
      return "model";
    case UsageGrouping::key:
      return "COALESCE(api_key_id, '')";
    case UsageGrouping::day_key:
      return "substr(created_at, 1, 10) || ' ' || COALESCE(api_key_id, '')";
  }
  return "model";
}

std::string usage_summary_sql(UsageGrouping grouping) {
  const std::string column(usage_group_column(grouping));
  return "SELECT " + column +
         " AS grouped, COUNT(*), SUM(input_tokens), SUM(output_tokens), SUM(cached_tokens), "
         "SUM(cost_nanos) FROM usage_records "
         "WHERE (?1 IS NULL OR user_id = ?1) AND (?2 IS NULL OR created_at >= ?2) "
         "AND (?3 IS NULL OR created_at < ?3) GROUP BY grouped ORDER BY grouped";
}

}  // namespace

boost::asio::awaitable<Status> SqliteUsageRepository::append(std::vector<UsageRecord> records) {
  co_return co_await database_.transaction("append_usage", [&](sqlite3* connection) -> Status {
    for (const auto& record : records) {
      Statement row(connection, kUsageInsert);
      row.bind(1, record.id)
          .bind(2, record.user_id)
          .bind(3, record.api_key_id)
          .bind(4, record.model)
          .bind(5, record.provider)
          .bind(6, record.input_tokens)
          .bind(7, record.output_tokens)
          .bind(8, record.cached_tokens);
      if (record.cost_nanos) {
        row.bind(9, *record.cost_nanos);
      } else {
        row.bind(9, nullptr);
      }
      row.bind(10, record.latency_ms).bind(11, record.status);
      bind_time(row, 12, record.created_at).step();
    }
    return ok_status();
  });
}

boost::asio::awaitable<Result<std::vector<UsageGroup>>> SqliteUsageRepository::summarize(
    UsageFilter filter, UsageGrouping grouping) {
  co_return co_await database_.read("summarize_usage",
                                    [&](sqlite3* connection) -> Result<std::vector<UsageGroup>> {
                                      Statement select(connection, usage_summary_sql(grouping));
                                      select.bind(1, filter.user_id);
                                      bind_time(select, 2, filter.from);
                                      bind_time(select, 3, filter.to);
                                      std::vector<UsageGroup> groups;
                                      while (select.step()) {
                                        UsageGroup group;
                                        group.key = select.text(0);
                                        group.requests = select.integer(1);
                                        group.input_tokens = select.integer(2);
                                        group.output_tokens = select.integer(3);
                                        group.cached_tokens = select.integer(4);
                                        if (!select.is_null(5))
                                          group.cost_nanos = select.integer(5);
                                        groups.push_back(std::move(group));
                                      }
                                      return groups;
                                    });
}

}  // namespace agentd::sqlite
