// One page of an owner's rows, newest first by id (UUIDv7 ids are time-ordered), after the
// cursor id: the shape of every owner-scoped list in the PostgreSQL adapters.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>

#include "application/ports/page.h"
#include "infrastructure/persistence/postgres/pg_connection.h"
#include "infrastructure/persistence/postgres/pg_ids.h"

namespace agentd::postgres {

// `select` is "SELECT <columns> FROM <table>"; the table has `id` and `owner_column` columns
// (the owner: a user, or the conversation of a run) and `read(rows, row)` turns one of its
// rows into a value. `limit` must be at least 1. The cursor must be one of the list's items.
template <typename Read, typename Item = std::invoke_result_t<Read, const PgRows&, int>>
boost::asio::awaitable<Result<Page<Item>>> newest_first_page(
    PgConnection& db, std::string_view select, std::string_view owner_column,
    const std::string& owner, int limit, const std::optional<std::string>& after, Read read) {
  const std::string owned = std::string(select) + " WHERE " + std::string(owner_column) + " = $1";
  if (after) {
    if (!is_uuid(*after) || !is_uuid(owner)) co_return invalid_cursor();
    const auto known = co_await db.execute(owned + " AND id = $2", PgParams(owner, *after));
    if (known.empty()) co_return invalid_cursor();
  }
  Page<Item> page;
  if (!is_uuid(owner)) co_return page;
  // One row more than asked tells whether another page exists.
  const std::int64_t rows_wanted = std::int64_t{limit} + 1;
  PgRows rows;
  if (after) {
    rows = co_await db.execute(owned + " AND id < $2 ORDER BY id DESC LIMIT $3",
                               PgParams(owner, *after, rows_wanted));
  } else {
    rows = co_await db.execute(owned + " ORDER BY id DESC LIMIT $2", PgParams(owner, rows_wanted));
  }
  for (int row = 0; row < rows.size(); ++row) page.items.push_back(read(rows, row));
  if (page.items.size() > static_cast<std::size_t>(limit)) {
    page.items.pop_back();
    page.has_more = true;
  }
  co_return page;
}

}  // namespace agentd::postgres
