// The parameters of one statement, as text ($1, $2, … in order); an absent optional is NULL.
// PostgreSQL infers each parameter's type from the statement, so uuid, timestamptz and jsonb
// columns take their text forms.
#pragma once

#include <chrono>
#include <concepts>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace agentd::postgres {

class PgParams {
 public:
  using TimePoint = std::chrono::system_clock::time_point;

  PgParams() = default;
  template <typename... Values>
  explicit PgParams(const Values&... values) {
    values_.reserve(sizeof...(Values));
    (add(values), ...);
  }

  PgParams& add(std::string_view text) {
    values_.emplace_back(std::string(text));
    return *this;
  }
  PgParams& add(const std::string& text) { return add(std::string_view(text)); }
  PgParams& add(const char* text) { return add(std::string_view(text)); }
  template <std::integral Number>
  PgParams& add(Number number) {
    if constexpr (std::same_as<Number, bool>) {
      values_.emplace_back(number ? "true" : "false");
    } else {
      values_.emplace_back(std::to_string(number));
    }
    return *this;
  }
  PgParams& add(std::nullopt_t) {
    values_.emplace_back(std::nullopt);
    return *this;
  }
  PgParams& add(TimePoint time);
  template <typename T>
  PgParams& add(const std::optional<T>& value) {
    if (!value) return add(std::nullopt);
    return add(*value);
  }

  int size() const { return static_cast<int>(values_.size()); }
  // libpq's view: one pointer per parameter, null for NULL; valid while this object lives.
  std::vector<const char*> pointers() const;

 private:
  std::vector<std::optional<std::string>> values_;
};

}  // namespace agentd::postgres
