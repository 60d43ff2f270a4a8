#include "infrastructure/text/word_lists.h"

#include <charconv>
#include <utility>

namespace agentd {

std::vector<std::string> split_comma_list(std::string_view text) {
  std::vector<std::string> items;
  while (!text.empty()) {
    auto comma = text.find(',');
    auto item = text.substr(0, comma);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    if (!item.empty()) items.emplace_back(item);
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  return items;
}

std::optional<std::chrono::seconds> parse_duration(std::string_view text) {
  constexpr long kMaxSeconds = 10L * 365 * 86400;
  constexpr std::pair<char, long> kUnits[] = {{'s', 1}, {'m', 60}, {'h', 3600}, {'d', 86400}};
  long unit = 1;
  for (const auto& [suffix, seconds] : kUnits) {
    if (!text.empty() && text.back() == suffix) {
      unit = seconds;
      text.remove_suffix(1);
      break;
    }
  }
  long value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size() || text.empty() || value < 1 ||
      value > kMaxSeconds / unit) {
    return std::nullopt;
  }
  return std::chrono::seconds(value * unit);
}

}  // namespace agentd
