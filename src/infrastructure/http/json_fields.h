// Reads typed fields out of a JSON request body, with errors that name the field.
#pragma once

#include <boost/json/value.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/common/result.h"

namespace agentd::http {

Result<const boost::json::object*> require_object(const boost::json::value& body);
Result<std::string> required_string(const boost::json::object& body, std::string_view field);
Result<std::optional<std::string>> optional_string(const boost::json::object& body,
                                                   std::string_view field);
// Absent or null → nullopt; otherwise an array of strings.
Result<std::optional<std::vector<std::string>>> optional_string_list(
    const boost::json::object& body, std::string_view field);
Result<std::optional<std::int64_t>> optional_integer(const boost::json::object& body,
                                                     std::string_view field);
Result<std::optional<bool>> optional_bool(const boost::json::object& body, std::string_view field);
// Absent or null → nullopt; otherwise a number from `min` to `max`.
Result<std::optional<double>> optional_number(const boost::json::object& body,
                                              std::string_view field, double min, double max);

}  // namespace agentd::http
