// One page of a list, newest first, and whether more follow; and the cursor rule every list
// shares: `after` must name an item of the caller's own list.
#pragma once

#include <algorithm>
#include <iterator>
#include <optional>
#include <string>
#include <vector>

#include "domain/common/result.h"

namespace agentd {

template <typename T>
struct Page {
  std::vector<T> items;
  bool has_more = false;
};

// What a list answers when `after` names no item of the caller's list. Another user's id
// counts as unknown, so a cursor never reveals that someone else's item exists.
inline Error invalid_cursor() {
  return Error::invalid("after does not name an item of this list", "after", "invalid_cursor");
}

// The page of `listed` (the caller's whole list, in list order) that follows the item whose
// `id_of` is `after`, or the first page without a cursor. `limit` must be at least 1.
template <typename T, typename IdOf>
Result<Page<T>> page_after(std::vector<T> listed, int limit,
                           const std::optional<std::string>& after, IdOf id_of) {
  auto first = listed.begin();
  if (after) {
    first = std::find_if(listed.begin(), listed.end(),
                         [&](const T& item) { return id_of(item) == *after; });
    if (first == listed.end()) return invalid_cursor();
    ++first;
  }
  const auto last = listed.end() - first > limit ? first + limit : listed.end();
  Page<T> page;
  page.items.assign(std::make_move_iterator(first), std::make_move_iterator(last));
  page.has_more = last != listed.end();
  return page;
}

}  // namespace agentd
