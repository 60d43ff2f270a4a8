// Looks up at most one row by a single key, the shape of every "find by" in the adapters.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <type_traits>

#include "infrastructure/persistence/sqlite/sqlite_database.h"

namespace agentd::sqlite {

// Runs `sql` with `key` bound to its one parameter; `read` turns the first row into a value.
template <typename Read>
auto find_one(sqlite3* connection, std::string_view sql, const std::string& key, Read read)
    -> std::optional<std::invoke_result_t<Read, const Statement&>> {
  Statement query(connection, sql);
  query.bind(1, key);
  if (!query.step()) return std::nullopt;
  return read(query);
}

}  // namespace agentd::sqlite
