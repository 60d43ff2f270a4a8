#include "infrastructure/text/rfc3339.h"

#include <cstdio>

namespace agentd {
namespace {

using namespace std::chrono;

// Digits of a fraction kept: microseconds, as storage keeps times.
constexpr std::size_t kStoredFractionDigits = 6;

// The value of `text` when it is only ASCII digits (from_chars alone would accept a sign).
std::optional<int> digits(std::string_view text) {
  if (text.empty()) return std::nullopt;
  int value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + (c - '0');
  }
  return value;
}

std::optional<int> field(std::string_view text, std::size_t position, std::size_t width) {
  if (position + width > text.size()) return std::nullopt;
  return digits(text.substr(position, width));
}

bool has(std::string_view text, std::size_t position, std::string_view choices) {
  return position < text.size() && choices.find(text[position]) != std::string_view::npos;
}

// The offset in "Z", "+HH:MM" or "-HH:MM"; nullopt for anything else.
std::optional<minutes> parse_offset(std::string_view text) {
  if (text == "Z" || text == "z") return minutes{0};
  if (text.size() != 6 || !has(text, 0, "+-") || text[3] != ':') return std::nullopt;
  auto offset_hours = field(text, 1, 2);
  auto offset_minutes = field(text, 4, 2);
  if (!offset_hours || !offset_minutes || *offset_hours > 23 || *offset_minutes > 59) {
    return std::nullopt;
  }
  const minutes offset = hours{*offset_hours} + minutes{*offset_minutes};
  return text[0] == '-' ? -offset : offset;
}

// "YYYY-MM-DDTHH:MM:SS" of a whole second.
std::string date_and_time(sys_seconds time) {
  const auto day = floor<days>(time);
  const year_month_day date{day};
  const hh_mm_ss clock{time - day};
  char text[64];
  std::snprintf(text, sizeof text, "%04d-%02u-%02uT%02d:%02d:%02d", static_cast<int>(date.year()),
                static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()),
                static_cast<int>(clock.hours().count()), static_cast<int>(clock.minutes().count()),
                static_cast<int>(clock.seconds().count()));
  return text;
}

}  // namespace

std::string format_rfc3339_seconds(system_clock::time_point time) {
  return date_and_time(floor<seconds>(time)) + "Z";
}

std::string format_rfc3339_micros(system_clock::time_point time) {
  const auto exact = floor<microseconds>(time);
  const auto second = floor<seconds>(exact);
  char fraction[32];
  std::snprintf(fraction, sizeof fraction, ".%06lldZ",
                static_cast<long long>((exact - second).count()));
  return date_and_time(second) + fraction;
}

std::optional<system_clock::time_point> parse_rfc3339(std::string_view text) {
  const auto year = field(text, 0, 4);
  const auto month = field(text, 5, 2);
  const auto day = field(text, 8, 2);
  const auto hour = field(text, 11, 2);
  const auto minute = field(text, 14, 2);
  const auto second = field(text, 17, 2);
  if (!year || !month || !day || !hour || !minute || !second || !has(text, 4, "-") ||
      !has(text, 7, "-") || !has(text, 10, "Tt ") || !has(text, 13, ":") || !has(text, 16, ":")) {
    return std::nullopt;
  }
  const year_month_day date{std::chrono::year{*year}, std::chrono::month(*month),
                            std::chrono::day(*day)};
  if (!date.ok() || *hour > 23 || *minute > 59 || *second > 59) return std::nullopt;

  std::string_view rest = text.substr(19);
  microseconds fraction{0};
  if (!rest.empty() && rest.front() == '.') {
    std::size_t count = 1;
    while (count < rest.size() && rest[count] >= '0' && rest[count] <= '9') ++count;
    std::string_view fraction_digits = rest.substr(1, count - 1);
    if (fraction_digits.empty() || fraction_digits.size() > 9) return std::nullopt;
    std::string padded(fraction_digits.substr(0, kStoredFractionDigits));
    padded.resize(kStoredFractionDigits, '0');
    fraction = microseconds{*digits(padded)};
    rest.remove_prefix(count);
  }
  const auto offset = parse_offset(rest);
  if (!offset) return std::nullopt;
  return sys_days{date} + hours{*hour} + minutes{*minute} + seconds{*second} + fraction - *offset;
}

}  // namespace agentd
