// One page of a user's rows, newest first by id (UUIDv7 ids are time-ordered), after the
// cursor id: the shape of every owner-scoped list in the adapters.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>

#include "application/ports/page.h"
#include "infrastructure/persistence/sqlite/sqlite_database.h"

namespace agentd::sqlite {

// `select` is "SELECT <columns> FROM <table>"; the table has `id` and `user_id` columns and
// `read` turns one of its rows into a value. `limit` must be at least 1.
template <typename Read>
auto newest_first_page(sqlite3* connection, std::string_view select, const std::string& user_id,
                       int limit, const std::optional<std::string>& after, Read read)
    -> Page<std::invoke_result_t<Read, const Statement&>> {
  Page<std::invoke_result_t<Read, const Statement&>> page;
  Statement query(connection, std::string(select) +
                                  (after ? " WHERE user_id = ? AND id < ? ORDER BY id DESC LIMIT ?"
                                         : " WHERE user_id = ? ORDER BY id DESC LIMIT ?"));
  int index = 1;
  query.bind(index++, user_id);
  if (after) query.bind(index++, *after);
  // One row more than asked tells whether another page exists.
  query.bind(index, std::int64_t{limit} + 1);
  while (query.step()) page.items.push_back(read(query));
  if (page.items.size() > static_cast<std::size_t>(limit)) {
    page.items.pop_back();
    page.has_more = true;
  }
  return page;
}

}  // namespace agentd::sqlite
