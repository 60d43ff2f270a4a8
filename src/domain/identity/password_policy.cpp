#include "domain/identity/password_policy.h"

namespace agentd {
namespace {

// Counts UTF-8 code points, so "8 characters" means characters, not bytes.
std::size_t count_characters(std::string_view text) {
  std::size_t count = 0;
  for (unsigned char c : text) {
    if ((c & 0xC0) != 0x80) ++count;
  }
  return count;
}

}  // namespace

Status check_password_policy(std::string_view password) {
  if (password.size() > kMaxPasswordBytes) {
    return Error::invalid("password must be at most 1024 bytes", "password", "password_too_long");
  }
  if (count_characters(password) < kMinPasswordChars) {
    return Error::invalid("password must be at least 8 characters", "password",
                          "password_too_short");
  }
  return ok_status();
}

}  // namespace agentd
