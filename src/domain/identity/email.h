// An email address, normalised (trimmed, lower-cased) and checked once at the edge.
#pragma once

#include <string>
#include <string_view>

#include "domain/common/result.h"

namespace agentd {

class Email {
 public:
  static Result<Email> parse(std::string_view text);
  const std::string& value() const { return value_; }

 private:
  explicit Email(std::string value) : value_(std::move(value)) {}
  std::string value_;
};

}  // namespace agentd
