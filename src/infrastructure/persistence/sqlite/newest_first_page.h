// One page of an owner's rows, newest first by id (UUIDv7 ids are time-ordered), after the
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

// invalid_cursor unless `after` is absent or the id of a row of `select` ("SELECT <columns>
// FROM <table>") whose `owner_column` is `owner`: a list's cursor must be one of its items.
inline Status check_cursor(sqlite3* connection, std::string_view select,
                           std::string_view owner_column, const std::string& owner,
                           const std::optional<std::string>& after) {
  if (!after) return ok_status();
  Statement query(connection,
                  std::string(select) + " WHERE id = ? AND " + std::string(owner_column) + " = ?");
  query.bind(1, *after).bind(2, owner);
  if (!query.step()) return invalid_cursor();
  return ok_status();
}

// `select` is "SELECT <columns> FROM <table>"; the table has `id` and `owner_column` columns
// (the owner: a user, or the conversation of a run) and `read` turns one of its rows into a
// value. `limit` must be at least 1.
template <typename Read>
auto newest_first_page(sqlite3* connection, std::string_view select, std::string_view owner_column,
                       const std::string& owner, int limit, const std::optional<std::string>& after,
                       Read read) -> Result<Page<std::invoke_result_t<Read, const Statement&>>> {
  if (auto known = check_cursor(connection, select, owner_column, owner, after); !known) {
    return known.error();
  }
  Page<std::invoke_result_t<Read, const Statement&>> page;
  const std::string owned = " WHERE " + std::string(owner_column) + " = ?";
  Statement query(connection, std::string(select) + owned +
                                  (after ? " AND id < ? ORDER BY id DESC LIMIT ?"
                                         : " ORDER BY id DESC LIMIT ?"));
  int index = 1;
  query.bind(index++, owner);
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

// A user's rows: the shape of every owner-scoped list.
template <typename Read>
auto newest_first_page(sqlite3* connection, std::string_view select, const std::string& user_id,
                       int limit, const std::optional<std::string>& after, Read read) {
  return newest_first_page(connection, select, "user_id", user_id, limit, after, read);
}

}  // namespace agentd::sqlite
