// Times in storage: RFC 3339 UTC text with exactly six fractional digits
// ("2026-11-25T13:44:20.123456Z"), readable in any SQL shell and ordered like the times.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace agentd::persistence {

// Precision below a microsecond is dropped (rounded down), as PostgreSQL's timestamptz does.
std::string encode_time(std::chrono::system_clock::time_point time);

// Accepts any RFC 3339 date-time: 'T', 't' or ' ' between date and time, 1 to 9 fractional
// digits (beyond 6 are dropped), and "Z" or a "+HH:MM" / "-HH:MM" offset.
std::optional<std::chrono::system_clock::time_point> decode_time(std::string_view text);

}  // namespace agentd::persistence
