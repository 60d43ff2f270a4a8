// The list conventions of the API: ?limit= (default 20, at most 100) and ?after=<id>, and
// the {"object":"list","data":[…],"has_more":bool} envelope.
#pragma once

#include <boost/json/array.hpp>
#include <optional>
#include <string>

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

}  // namespace agentd::http
