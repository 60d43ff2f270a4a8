// One page of a list's rows, newest first by id (UUIDv7 ids are time-ordered), after the
// cursor id: the shape of every list in the PostgreSQL adapters. A list holds one owner's
// rows, or for the administrator every row of its table.
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

// The rows of one owner: those whose `column` (a user, or the conversation of a run) is `id`.
struct Owner {
  std::string_view column;
  const std::string& id;
};

// `select` is "SELECT <columns> FROM <table>"; the table has an `id` column (and the owner's
// column, when the list has an owner), and `read(rows, row)` turns one of its rows into a
// value. `limit` must be at least 1. The cursor must be one of the list's items.
template <typename Read, typename Item = std::invoke_result_t<Read, const PgRows&, int>>
boost::asio::awaitable<Result<Page<Item>>> newest_first_page(PgConnection& db,
                                                             std::string_view select,
                                                             std::optional<Owner> owner, int limit,
                                                             std::optional<std::string> after,
                                                             Read read) {
  Page<Item> page;
  // Ids are uuids: text that is none names no row.
  if (owner && !is_uuid(owner->id)) {
    if (after) co_return invalid_cursor();
    co_return page;
  }
  if (after && !is_uuid(*after)) co_return invalid_cursor();
  // The owner, when there is one, is $1; the cursor follows it.
  PgParams params;
  std::string where;
  if (owner) {
    params.add(owner->id);
    where = " WHERE " + std::string(owner->column) + " = $1";
  }
  const auto and_where = [&](std::string_view condition) {
    return where + (owner ? " AND " : " WHERE ") + std::string(condition);
  };
  const std::string cursor = "$" + std::to_string(owner ? 2 : 1);
  if (after) {
    PgParams known_params = params;
    known_params.add(*after);
    const auto known =
        co_await db.execute(std::string(select) + and_where("id = " + cursor), known_params);
    if (known.empty()) co_return invalid_cursor();
    params.add(*after);
    where = and_where("id < " + cursor);
  }
  // One row more than asked tells whether another page exists.
  params.add(std::int64_t{limit} + 1);
  const std::string limit_param = "$" + std::to_string((owner ? 1 : 0) + (after ? 1 : 0) + 1);
  const auto rows = co_await db.execute(
      std::string(select) + where + " ORDER BY id DESC LIMIT " + limit_param, params);
  for (int row = 0; row < rows.size(); ++row) page.items.push_back(read(rows, row));
  if (page.items.size() > static_cast<std::size_t>(limit)) {
    page.items.pop_back();
    page.has_more = true;
  }
  co_return page;
}

// The rows of the owner `owner` in `owner_column`.
template <typename Read, typename Item = std::invoke_result_t<Read, const PgRows&, int>>
boost::asio::awaitable<Result<Page<Item>>> newest_first_page(
    PgConnection& db, std::string_view select, std::string_view owner_column,
    const std::string& owner, int limit, const std::optional<std::string>& after, Read read) {
  const std::optional<Owner> scope = Owner{owner_column, owner};
  co_return co_await newest_first_page(db, select, scope, limit, after, read);
}

}  // namespace agentd::postgres
