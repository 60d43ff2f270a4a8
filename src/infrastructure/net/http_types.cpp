#include "infrastructure/net/http_types.h"

namespace agentd::net {

std::optional<std::string_view> HttpResponseHead::header(std::string_view lower_name) const {
  for (const auto& [name, value] : headers) {
    if (name == lower_name) return value;
  }
  return std::nullopt;
}

}  // namespace agentd::net
