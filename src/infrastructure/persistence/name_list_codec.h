// Lists of names (tool and model names) in storage: a JSON array of strings, so SQLite's
// json functions and PostgreSQL's jsonb read the same text.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace agentd::persistence {

std::string encode_name_list(const std::vector<std::string>& names);

// Throws std::runtime_error when `json` is not an array of strings: stored data is corrupt.
std::vector<std::string> decode_name_list(std::string_view json);

}  // namespace agentd::persistence
