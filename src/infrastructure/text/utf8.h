// Making arbitrary bytes (a fetched page, a truncated body) safe to put in a JSON string.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace agentd {

// Whether every byte belongs to a well-formed UTF-8 sequence: the cheap check that spares a
// copy when, as nearly always, nothing needs replacing.
bool is_valid_utf8(std::string_view bytes);

// Every byte sequence that is not well-formed UTF-8 (overlong forms, surrogates, stray
// continuation bytes, Latin-1 text) becomes U+FFFD; valid text is returned unchanged.
std::string to_valid_utf8(std::string_view bytes);

// `text` without a multi-byte character left incomplete at its end, as cutting a body at a
// byte limit leaves one.
std::string_view without_partial_last_character(std::string_view text);

}  // namespace agentd
