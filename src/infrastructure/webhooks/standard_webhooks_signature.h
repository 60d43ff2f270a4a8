// Standard Webhooks signatures (standardwebhooks.com): HMAC-SHA256 of "{id}.{timestamp}.{body}"
// keyed with the secret's decoded bytes, what every receiver library verifies.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace agentd::webhooks {

// "v1,<base64 signature>", or nothing when `secret` is not "whsec_<base64>" (the prefix is
// optional, as the libraries accept).
std::optional<std::string> sign_standard_webhook(std::string_view secret,
                                                 std::string_view message_id,
                                                 std::int64_t timestamp, std::string_view body);

}  // namespace agentd::webhooks
