// Ids in PostgreSQL are uuid columns. An id that arrives from outside (a URL, a cursor) and
// is not a UUID names nothing stored: the repositories answer it as not found (or as an
// invalid cursor) without asking the server, which would refuse the statement.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace agentd::postgres {

// 8-4-4-4-12 hexadecimal digits, either case.
bool is_uuid(std::string_view text);

// A text[] (or uuid[]) parameter's text form: {"a","b"}, each element quoted.
std::string text_array(const std::vector<std::string>& items);

}  // namespace agentd::postgres
