// The list conventions of the API: ?limit= (default 20, at most 100) and ?after=<id>, and
// the {"object":"list","data":[…],"has_more":bool} envelope.
#pragma once

#include <boost/json/array.hpp>
#include <optional>
#include <string>
#include <utility>

#include "application/ports/page.h"
#include "domain/common/result.h"
#include "infrastructure/http/http_message.h"

namespace agentd::http {

struct PageRequest {
  int limit = 20;
  std::optional<std::string> after;
};

Result<PageRequest> parse_page_request(const Request& request);
// Whether a listing stops short of the end.
enum class HasMore { no, yes };
Response list_response(boost::json::array data, HasMore has_more);

// One page of a listing in the envelope, each item written by `to_item`.
template <typename Item, typename ToItem>
Response page_response(const Page<Item>& page, ToItem to_item) {
  boost::json::array data;
  data.reserve(page.items.size());
  for (const auto& item : page.items) data.emplace_back(to_item(item));
  return list_response(std::move(data), page.has_more ? HasMore::yes : HasMore::no);
}

}  // namespace agentd::http
