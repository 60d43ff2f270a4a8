#include "main/commands/output.h"

#include <algorithm>
#include <boost/json/serialize.hpp>
#include <cstdio>

#include "infrastructure/text/rfc3339.h"

namespace agentd {

void print_table(const TableRow& headers, const std::vector<TableRow>& rows) {
  std::vector<std::size_t> widths;
  for (const auto& header : headers) widths.push_back(header.size());
  for (const auto& row : rows) {
    for (std::size_t i = 0; i < row.size() && i < widths.size(); ++i) {
      widths[i] = std::max(widths[i], row[i].size());
    }
  }
  const auto print_row = [&widths](const TableRow& row) {
    std::string line;
    for (std::size_t i = 0; i < row.size(); ++i) {
      line += row[i];
      // The last column is not padded: no trailing spaces.
      if (i + 1 < row.size()) line += std::string(widths[i] - row[i].size() + 2, ' ');
    }
    std::printf("%s\n", line.c_str());
  };
  print_row(headers);
  for (const auto& row : rows) print_row(row);
}

void print_json_line(const boost::json::object& object) {
  std::printf("%s\n", boost::json::serialize(object).c_str());
}

std::string time_cell(const std::optional<std::chrono::system_clock::time_point>& time,
                      std::string_view absent) {
  if (!time) return std::string(absent);
  return format_rfc3339_seconds(*time);
}

}  // namespace agentd
