// Lenient readers for the JSON that LLM providers send: absent and null read as "not there".
#pragma once

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace agentd::llm {

// The string at `key`; nullopt when it is absent, null or not a string.
std::optional<std::string> string_at(const boost::json::object& object, std::string_view key);
// The integer at `key`; 0 when it is absent or not a whole number.
std::int64_t integer_at(const boost::json::object& object, std::string_view key);
const boost::json::object* object_at(const boost::json::object& object, std::string_view key);
const boost::json::array* array_at(const boost::json::object& object, std::string_view key);

}  // namespace agentd::llm
