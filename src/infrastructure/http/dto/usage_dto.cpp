#include "infrastructure/http/dto/usage_dto.h"

#include <boost/json.hpp>
#include <chrono>
#include <string>

#include "domain/usage/model_price.h"
#include "infrastructure/text/rfc3339.h"

namespace agentd::http {
namespace {

namespace json = boost::json;

constexpr std::size_t kDayLength = 10;  // YYYY-MM-DD

json::object sums_json(const UsageGroup& group) {
  json::object sums{{"requests", group.requests},
                    {"input_tokens", group.input_tokens},
                    {"output_tokens", group.output_tokens},
                    {"cached_tokens", group.cached_tokens}};
  // USD; null when no call of the group was priced.
  if (group.cost_nanos) {
    sums["cost_usd"] = static_cast<double>(*group.cost_nanos) / kNanosPerUsd;
  } else {
    sums["cost_usd"] = nullptr;
  }
  return sums;
}

// Calls a person made with a session have no key.
json::value key_json(std::string_view key) {
  if (key.empty()) return nullptr;
  return json::string(key);
}

json::object group_json(UsageGrouping grouping, const UsageGroup& group) {
  json::object row;
  switch (grouping) {
    case UsageGrouping::day:
      row["day"] = group.key;
      break;
    case UsageGrouping::model:
      row["model"] = group.key;
      break;
    case UsageGrouping::key:
      row["api_key_id"] = key_json(group.key);
      break;
    case UsageGrouping::day_key: {
      // "YYYY-MM-DD <key id>"
      const std::string_view key = group.key;
      row["day"] = key.substr(0, kDayLength);
      row["api_key_id"] = key_json(key.size() > kDayLength ? key.substr(kDayLength + 1) : "");
      break;
    }
  }
  for (auto& [name, value] : sums_json(group)) row[name] = std::move(value);
  return row;
}

}  // namespace

std::optional<Timestamp> parse_usage_time(std::string_view text, DayEdge edge) {
  if (text.size() == 10) {
    auto midnight = parse_rfc3339(std::string(text) + "T00:00:00Z");
    if (midnight && edge == DayEdge::end) *midnight += std::chrono::hours(24);
    return midnight;
  }
  return parse_rfc3339(text);
}

std::optional<UsageGrouping> parse_usage_grouping(std::string_view text) {
  if (text == "day") return UsageGrouping::day;
  if (text == "model") return UsageGrouping::model;
  if (text == "key") return UsageGrouping::key;
  if (text == "day,key") return UsageGrouping::day_key;
  return std::nullopt;
}

std::string_view to_string(UsageGrouping grouping) {
  switch (grouping) {
    case UsageGrouping::day:
      return "day";
    case UsageGrouping::model:
      return "model";
    case UsageGrouping::key:
      return "key";
    case UsageGrouping::day_key:
      return "day,key";
  }
  return "day";
}

json::object to_json(const UsageSummary& summary) {
  json::array data;
  for (const auto& group : summary.page.items)
    data.emplace_back(group_json(summary.group_by, group));
  return {{"object", "list"},
          {"data", std::move(data)},
          {"has_more", summary.page.has_more},
          {"group_by", to_string(summary.group_by)},
          {"totals", sums_json(summary.totals)}};
}

}  // namespace agentd::http
