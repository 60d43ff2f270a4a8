// An environment for configuration tests: the variables a map holds, and no others.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "infrastructure/config/config.h"

namespace agentd::config {

inline EnvLookup env_of(std::map<std::string, std::string> values) {
  return [values = std::move(values)](std::string_view name) -> std::optional<std::string> {
    auto it = values.find(std::string(name));
    if (it == values.end()) return std::nullopt;
    return it->second;
  };
}

}  // namespace agentd::config
