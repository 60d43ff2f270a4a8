// Case folding for protocol text (host names, header names, media types), which is ASCII.
#pragma once

#include <string>
#include <string_view>

namespace agentd {

// Lower-cases A-Z only: locale-independent, and bytes above 127 pass through untouched.
std::string ascii_lower(std::string_view text);

}  // namespace agentd
