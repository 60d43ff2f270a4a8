#include "infrastructure/persistence/name_list_codec.h"

#include <boost/json.hpp>
#include <stdexcept>

namespace agentd::persistence {

std::string encode_name_list(const std::vector<std::string>& names) {
  boost::json::array array;
  array.reserve(names.size());
  for (const auto& name : names) array.emplace_back(name);
  return boost::json::serialize(array);
}

std::vector<std::string> decode_name_list(std::string_view json) {
  boost::system::error_code error;
  const auto value = boost::json::parse(json, error);
  if (error || !value.is_array()) throw std::runtime_error("stored name list is not a JSON array");
  std::vector<std::string> names;
  names.reserve(value.get_array().size());
  for (const auto& item : value.get_array()) {
    if (!item.is_string()) throw std::runtime_error("stored name list holds a non-string");
    names.emplace_back(item.get_string());
  }
  return names;
}

}  // namespace agentd::persistence
