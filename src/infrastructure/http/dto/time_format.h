// Times on the wire: RFC 3339 UTC strings ("2026-11-25T13:44:20Z").
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "domain/identity/user.h"

namespace agentd::http {

std::string format_time(Timestamp time);
std::optional<Timestamp> parse_time(std::string_view text);

}  // namespace agentd::http
