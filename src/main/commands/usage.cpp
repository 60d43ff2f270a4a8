// `agentd usage`: accounted model calls summed per day, model or key, for everyone or one user,
// as GET /v1/usage answers an administrator.
#include <boost/asio/io_context.hpp>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "infrastructure/http/dto/usage_dto.h"
#include "main/commands/command.h"
#include "main/commands/output.h"
#include "main/commands/startup.h"

namespace agentd {
namespace {

namespace asio = boost::asio;

struct UsageOptions {
  std::optional<std::string> user_email;
  std::optional<std::string> from;
  std::optional<std::string> to;
  std::string group_by = "day";
  bool as_json = false;
};

Result<UsageQuery> usage_query(const UsageOptions& options) {
  UsageQuery query;
  query.limit = 100;
  const auto grouping = http::parse_usage_grouping(options.group_by);
  if (!grouping) {
    return Error::invalid("--group-by: expected day, model, key or day,key", "group_by");
  }
  query.group_by = *grouping;
  if (options.from) {
    query.from = http::parse_usage_time(*options.from, http::DayEdge::start);
    if (!query.from) return Error::invalid("--from: expected YYYY-MM-DD or an RFC 3339 time");
  }
  if (options.to) {
    query.to = http::parse_usage_time(*options.to, http::DayEdge::end);
    if (!query.to) return Error::invalid("--to: expected YYYY-MM-DD or an RFC 3339 time");
  }
  return query;
}

// Every group, page after page, and the totals.
asio::awaitable<Result<UsageSummary>> summarize_all(Services& services,
                                                    std::optional<std::string> email,
                                                    UsageQuery query) {
  Principal administrator;
  administrator.role = Role::admin;
  if (email) {
    auto user = co_await services.manage_users.find_by_email(std::move(*email));
    if (!user) co_return user.error();
    query.user_id = user->id;
  }
  UsageSummary all;
  for (;;) {
    auto summary = co_await services.usage_report.summarize(administrator, query);
    if (!summary) co_return summary.error();
    all.group_by = summary->group_by;
    all.totals = summary->totals;
    for (auto& group : summary->page.items) all.page.items.push_back(std::move(group));
    if (!summary->page.has_more) break;
    query.after = all.page.items.back().key;
  }
  co_return all;
}

std::string cost_cell(const std::optional<std::int64_t>& nanos) {
  if (!nanos) return "-";
  char text[32];
  std::snprintf(text, sizeof text, "%.6f", static_cast<double>(*nanos) / kNanosPerUsd);
  return text;
}

TableRow usage_row(std::string label, const UsageGroup& group) {
  return {std::move(label),
          std::to_string(group.requests),
          std::to_string(group.input_tokens),
          std::to_string(group.output_tokens),
          std::to_string(group.cached_tokens),
          cost_cell(group.cost_nanos)};
}

int show_usage(const Settings& settings, const UsageOptions& options) {
  auto query = usage_query(options);
  if (!query) return report_failure(query.error());
  asio::io_context io;
  auto services = start_services(io, settings.config, settings.file, StaleSchema::refuse);
  if (!services) return report_failure(services.error());
  auto summary = run_blocking(io, summarize_all(**services, options.user_email, *query));
  if (!summary) return report_failure(summary.error());
  if (options.as_json) {
    print_json_line(http::to_json(*summary));
    return kExitOk;
  }
  std::vector<TableRow> rows;
  for (const auto& group : summary->page.items) {
    // A session's calls have no key: "" alone, or after the day and its space.
    const bool is_session = group.key.empty() || group.key.back() == ' ';
    rows.push_back(usage_row(is_session ? group.key + "(session)" : group.key, group));
  }
  rows.push_back(usage_row("TOTAL", summary->totals));
  const char* group_header[] = {"DAY", "MODEL", "KEY", "DAY KEY"};
  print_table({group_header[static_cast<int>(summary->group_by)], "REQUESTS", "INPUT", "OUTPUT",
               "CACHED", "COST (USD)"},
              rows);
  return kExitOk;
}

}  // namespace

void add_usage_command(CLI::App& app, Commands& commands) {
  auto* usage = app.add_subcommand("usage", "model calls accounted, summed per day, model or key");
  auto options = std::make_shared<UsageOptions>();
  usage->add_option("--user", options->user_email, "only this user's calls (an email)");
  usage->add_option("--from", options->from, "from this day (YYYY-MM-DD) or RFC 3339 time");
  usage->add_option("--to", options->to, "to this day, included, or before this RFC 3339 time");
  usage->add_option("--group-by", options->group_by, "day, model, key or day,key")
      ->capture_default_str();
  usage->add_flag("--json", options->as_json, "print the summary as one JSON object");
  commands.push_back({usage, Needs::administration, [options](const Settings& settings) {
                        return show_usage(settings, *options);
                      }});
}

}  // namespace agentd
