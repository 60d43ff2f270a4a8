// Wire shapes of GET /v1/usage: a group's sums, named by what it groups, and the totals.
#pragma once

#include <boost/json/object.hpp>
#include <optional>
#include <string_view>

#include "application/usage/usage_report.h"

namespace agentd::http {

// A time (RFC 3339), or a day (YYYY-MM-DD, UTC): a day as `from` starts at its midnight, as
// `to` it ends at the next one, so from=2026-03-01&to=2026-03-31 is all of March.
enum class DayEdge { start, end };
std::optional<Timestamp> parse_usage_time(std::string_view text, DayEdge edge);

// "day" | "model" | "key", or nullopt for any other text.
std::optional<UsageGrouping> parse_usage_grouping(std::string_view text);
std::string_view to_string(UsageGrouping grouping);

// {"object":"list","data":[…],"has_more","group_by","totals":{…}}
boost::json::object to_json(const UsageSummary& summary);

}  // namespace agentd::http
