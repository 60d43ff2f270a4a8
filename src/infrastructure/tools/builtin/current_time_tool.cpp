#include "infrastructure/tools/builtin/current_time_tool.h"

#include <date/tz.h>

#include <boost/json.hpp>

namespace agentd {

ToolSpec CurrentTimeTool::default_spec() {
  ToolSpec spec;
  spec.name = "current_time";
  spec.description =
      "The current date and time in an IANA time zone (default UTC), as ISO 8601 with the "
      "zone's UTC offset.";
  spec.parameters = boost::json::parse(R"({
    "type": "object",
    "properties": {
      "timezone": {"type": "string", "maxLength": 64,
                   "description": "IANA time zone such as Europe/Paris; default UTC"}
    },
    "additionalProperties": false
  })")
                        .as_object();
  spec.timeout = std::chrono::seconds(5);
  return spec;
}

boost::asio::awaitable<Result<boost::json::value>> CurrentTimeTool::execute(
    boost::json::object arguments, const ToolContext&) {
  std::string zone_name = "UTC";
  if (const auto* zone = arguments.if_contains("timezone")) zone_name = zone->as_string();
  const date::time_zone* zone = nullptr;
  try {
    zone = date::locate_zone(zone_name);
  } catch (const std::exception&) {
    co_return tool_error("unknown time zone '" + zone_name +
                         "'; use an IANA name such as Europe/Paris");
  }
  const auto now = std::chrono::floor<std::chrono::seconds>(clock_.now());
  const date::zoned_seconds local{zone, now};
  const auto info = local.get_info();
  auto offset = std::chrono::duration_cast<std::chrono::minutes>(info.offset).count();
  const char sign = offset < 0 ? '-' : '+';
  offset = offset < 0 ? -offset : offset;
  char suffix[8];
  std::snprintf(suffix, sizeof suffix, "%c%02d:%02d", sign, static_cast<int>(offset / 60),
                static_cast<int>(offset % 60));
  co_return boost::json::value(boost::json::object{
      {"timezone", zone->name()},
      {"datetime", date::format("%Y-%m-%dT%H:%M:%S", local.get_local_time()) + suffix},
      {"utc", date::format("%Y-%m-%dT%H:%M:%SZ", now)},
      {"unix", std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count()},
      {"abbreviation", info.abbrev}});
}

}  // namespace agentd
