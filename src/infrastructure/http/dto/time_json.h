// Times in the wire shapes: RFC 3339 in whole seconds, null when absent.
#pragma once

#include <boost/json/value.hpp>
#include <optional>

#include "domain/identity/user.h"
#include "infrastructure/text/rfc3339.h"

namespace agentd::http {

inline boost::json::value time_or_null(const std::optional<Timestamp>& time) {
  if (!time) return nullptr;
  return boost::json::value(format_rfc3339_seconds(*time));
}

}  // namespace agentd::http
