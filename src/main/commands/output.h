// How administration commands print what they list: aligned columns for people, or one JSON
// object a line for programs (--json).
#pragma once

#include <boost/json/object.hpp>
#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace agentd {

using TableRow = std::vector<std::string>;

// The headers, then each row, each column as wide as its widest cell.
void print_table(const TableRow& headers, const std::vector<TableRow>& rows);

void print_json_line(const boost::json::object& object);

// "2026-11-25T13:44:20Z", or `absent`.
std::string time_cell(const std::optional<std::chrono::system_clock::time_point>& time,
                      std::string_view absent = "-");

}  // namespace agentd
