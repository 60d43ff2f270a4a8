// What a password must be: long enough to resist guessing, short enough not to be a DoS on
// the hasher.
#pragma once

#include <string_view>

#include "domain/common/result.h"

namespace agentd {

inline constexpr std::size_t kMinPasswordChars = 8;
inline constexpr std::size_t kMaxPasswordBytes = 1024;

Status check_password_policy(std::string_view password);

}  // namespace agentd
