// RFC 3339 UTC times as text: whole seconds on the wire, microseconds in storage.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace agentd {

// "2026-11-25T13:44:20Z": how the API shows a time; the fraction is dropped (rounded down).
std::string format_rfc3339_seconds(std::chrono::system_clock::time_point time);

// "2026-11-25T13:44:20.123456Z": how storage keeps a time, readable in any SQL shell and
// sorting like the times. Precision below a microsecond is dropped (rounded down), as
// PostgreSQL's timestamptz does.
std::string format_rfc3339_micros(std::chrono::system_clock::time_point time);

// Accepts any RFC 3339 date-time: 'T', 't' or ' ' between date and time, 1 to 9 fractional
// digits (beyond 6 are dropped), and "Z" or a "+HH:MM" / "-HH:MM" offset. Impossible dates
// (February 30th) and leap seconds are refused rather than rolled over.
std::optional<std::chrono::system_clock::time_point> parse_rfc3339(std::string_view text);

}  // namespace agentd
