#include "infrastructure/http/pagination.h"

#include <boost/json.hpp>
#include <charconv>

#include "infrastructure/http/json_body.h"

namespace agentd::http {

Result<PageRequest> parse_page_request(const Request& request) {
  PageRequest page;
  if (auto limit = request.query_param("limit")) {
    int value = 0;
    auto [end, ec] = std::from_chars(limit->data(), limit->data() + limit->size(), value);
    if (ec != std::errc{} || end != limit->data() + limit->size() || value < 1 || value > 100) {
      return Error::invalid("limit must be an integer from 1 to 100", "limit", "invalid_limit");
    }
    page.limit = value;
  }
  if (auto after = request.query_param("after"); after && !after->empty()) page.after = *after;
  return page;
}

Response list_response(boost::json::array data, HasMore has_more) {
  return json_response(200, boost::json::object{{"object", "list"},
                                                {"data", std::move(data)},
                                                {"has_more", has_more == HasMore::yes}});
}

}  // namespace agentd::http
