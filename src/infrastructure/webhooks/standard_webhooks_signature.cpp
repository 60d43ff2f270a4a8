#include "infrastructure/webhooks/standard_webhooks_signature.h"

#include <sodium.h>

#include <vector>

namespace agentd::webhooks {
namespace {

constexpr std::string_view kSecretPrefix = "whsec_";

std::optional<std::vector<unsigned char>> decode_base64(std::string_view text) {
  if (text.empty()) return std::nullopt;  // libsodium must not be given a null buffer
  std::vector<unsigned char> bytes(text.size());
  std::size_t length = 0;
  if (sodium_base642bin(bytes.data(), bytes.size(), text.data(), text.size(), nullptr, &length,
                        nullptr, sodium_base64_VARIANT_ORIGINAL) != 0) {
    return std::nullopt;
  }
  bytes.resize(length);
  return bytes;
}

std::string encode_base64(const unsigned char* bytes, std::size_t size) {
  std::string text(sodium_base64_encoded_len(size, sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(text.data(), text.size(), bytes, size, sodium_base64_VARIANT_ORIGINAL);
  text.pop_back();  // the terminating NUL sodium writes
  return text;
}

}  // namespace

std::optional<std::string> sign_standard_webhook(std::string_view secret,
                                                 std::string_view message_id,
                                                 std::int64_t timestamp, std::string_view body) {
  if (secret.substr(0, kSecretPrefix.size()) == kSecretPrefix) {
    secret.remove_prefix(kSecretPrefix.size());
  }
  auto key = decode_base64(secret);
  if (!key) return std::nullopt;
  const std::string signed_prefix = std::string(message_id) + "." + std::to_string(timestamp) + ".";
  crypto_auth_hmacsha256_state state;
  crypto_auth_hmacsha256_init(&state, key->data(), key->size());
  crypto_auth_hmacsha256_update(
      &state, reinterpret_cast<const unsigned char*>(signed_prefix.data()), signed_prefix.size());
  crypto_auth_hmacsha256_update(&state, reinterpret_cast<const unsigned char*>(body.data()),
                                body.size());
  unsigned char mac[crypto_auth_hmacsha256_BYTES];
  crypto_auth_hmacsha256_final(&state, mac);
  sodium_memzero(key->data(), key->size());
  return "v1," + encode_base64(mac, sizeof mac);
}

}  // namespace agentd::webhooks
