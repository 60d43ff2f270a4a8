// Short forms people type in settings and on the command line: comma-separated lists of names
// and durations such as 15m or 30d.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace agentd {

// "a, b,,c" → {"a", "b", "c"}: items trimmed of spaces, empty ones dropped.
std::vector<std::string> split_comma_list(std::string_view text);

// "900", "900s", "15m", "2h" or "30d": a whole number of seconds, minutes, hours or days from
// 1 second to 10 years; nullopt for anything else.
std::optional<std::chrono::seconds> parse_duration(std::string_view text);

}  // namespace agentd
