// One page of a list's rows, newest first by id (UUIDv7 ids are time-ordered), after the
// cursor id: the shape of every list in the adapters. A list holds one owner's rows, or for
// the administrator every row of its table.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>

#include "application/ports/page.h"
#include "infrastructure/persistence/sqlite/sqlite_database.h"

namespace agentd::sqlite {

// The rows of one owner: those whose `column` (a user, or the conversation of a run) is `id`.
struct Owner {
  std::string_view column;
  const std::string& id;
};

// " WHERE <owner column> = ?" (and `more` with AND), or " WHERE <more>" for every row.
inline std::string where_owned(const std::optional<Owner>& owner, std::string_view more) {
  std::string where;
  if (owner) where = " WHERE " + std::string(owner->column) + " = ?";
  if (!more.empty()) where += (owner ? " AND " : " WHERE ") + std::string(more);
  return where;
}

// invalid_cursor unless `after` is absent or the id of a row of `select` ("SELECT <columns>
// FROM <table>") of the list: a list's cursor must be one of its items.
inline Status check_cursor(sqlite3* connection, std::string_view select,
                           const std::optional<Owner>& owner,
                           const std::optional<std::string>& after) {
  if (!after) return ok_status();
  Statement query(connection, std::string(select) + where_owned(owner, "id = ?"));
  int index = 1;
  if (owner) query.bind(index++, owner->id);
  query.bind(index, *after);
  if (!query.step()) return invalid_cursor();
  return ok_status();
}

inline Status check_cursor(sqlite3* connection, std::string_view select,
                           std::string_view owner_column, const std::string& owner,
                           const std::optional<std::string>& after) {
  return check_cursor(connection, select, Owner{owner_column, owner}, after);
}

// `select` is "SELECT <columns> FROM <table>"; the table has an `id` column (and the owner's
// column, when the list has an owner), and `read` turns one of its rows into a value.
// `limit` must be at least 1.
template <typename Read>
auto newest_first_page(sqlite3* connection, std::string_view select,
                       const std::optional<Owner>& owner, int limit,
                       const std::optional<std::string>& after, Read read)
    -> Result<Page<std::invoke_result_t<Read, const Statement&>>> {
  if (auto known = check_cursor(connection, select, owner, after); !known) {
    return known.error();
  }
  Page<std::invoke_result_t<Read, const Statement&>> page;
  Statement query(connection, std::string(select) +
                                  where_owned(owner, after ? "id < ?" : std::string_view()) +
                                  " ORDER BY id DESC LIMIT ?");
  int index = 1;
  if (owner) query.bind(index++, owner->id);
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

template <typename Read>
auto newest_first_page(sqlite3* connection, std::string_view select, std::string_view owner_column,
                       const std::string& owner, int limit, const std::optional<std::string>& after,
                       Read read) {
  return newest_first_page(connection, select, Owner{owner_column, owner}, limit, after, read);
}

// A user's rows: the shape of every owner-scoped list.
template <typename Read>
auto newest_first_page(sqlite3* connection, std::string_view select, const std::string& user_id,
                       int limit, const std::optional<std::string>& after, Read read) {
  return newest_first_page(connection, select, "user_id", user_id, limit, after, read);
}

}  // namespace agentd::sqlite
