#include "infrastructure/http/json_fields.h"

#include <boost/json.hpp>

namespace agentd::http {
namespace {

Error wrong_type(std::string_view field, std::string_view expected) {
  return Error::invalid(std::string(field) + " must be " + std::string(expected),
                        std::string(field), "invalid_type");
}

const boost::json::value* find(const boost::json::object& body, std::string_view field) {
  auto it = body.find(field);
  if (it == body.end() || it->value().is_null()) return nullptr;
  return &it->value();
}

}  // namespace

Result<const boost::json::object*> require_object(const boost::json::value& body) {
  if (!body.is_object()) {
    return Error::invalid("request body must be a JSON object", {}, "invalid_type");
  }
  return &body.get_object();
}

Result<std::string> required_string(const boost::json::object& body, std::string_view field) {
  const auto* value = find(body, field);
  if (value == nullptr) {
    return Error::invalid(std::string(field) + " is required", std::string(field), "missing_field");
  }
  if (!value->is_string()) return wrong_type(field, "a string");
  return std::string(value->get_string());
}

Result<std::optional<std::string>> optional_string(const boost::json::object& body,
                                                   std::string_view field) {
  const auto* value = find(body, field);
  if (value == nullptr) return std::optional<std::string>{};
  if (!value->is_string()) return wrong_type(field, "a string");
  return std::optional<std::string>{std::string(value->get_string())};
}

Result<std::optional<std::vector<std::string>>> optional_string_list(
    const boost::json::object& body, std::string_view field) {
  const auto* value = find(body, field);
  if (value == nullptr) return std::optional<std::vector<std::string>>{};
  if (!value->is_array()) return wrong_type(field, "an array of strings");
  std::vector<std::string> items;
  items.reserve(value->get_array().size());
  for (const auto& item : value->get_array()) {
    if (!item.is_string()) return wrong_type(field, "an array of strings");
    items.emplace_back(item.get_string());
  }
  return std::optional<std::vector<std::string>>{std::move(items)};
}

Result<std::optional<std::int64_t>> optional_integer(const boost::json::object& body,
                                                     std::string_view field) {
  const auto* value = find(body, field);
  if (value == nullptr) return std::optional<std::int64_t>{};
  if (value->is_int64()) return std::optional<std::int64_t>{value->get_int64()};
  if (value->is_uint64() && value->get_uint64() <= INT64_MAX) {
    return std::optional<std::int64_t>{static_cast<std::int64_t>(value->get_uint64())};
  }
  return wrong_type(field, "an integer");
}

Result<std::optional<bool>> optional_bool(const boost::json::object& body, std::string_view field) {
  const auto* value = find(body, field);
  if (value == nullptr) return std::optional<bool>{};
  if (!value->is_bool()) return wrong_type(field, "a boolean");
  return std::optional<bool>{value->get_bool()};
}

Result<std::optional<double>> optional_number(const boost::json::object& body,
                                              std::string_view field, double min, double max) {
  const auto* value = find(body, field);
  if (value == nullptr) return std::optional<double>{};
  if (!value->is_number()) return wrong_type(field, "a number");
  const double number = value->to_number<double>();
  if (number < min || number > max) {
    return Error::invalid(
        std::string(field) + " must be from " + std::to_string(min) + " to " + std::to_string(max),
        std::string(field));
  }
  return std::optional<double>{number};
}

}  // namespace agentd::http
