#include "infrastructure/security/sodium_secret_generator.h"

#include <sodium.h>

#include <cstring>
#include <vector>

#include "infrastructure/security/sodium_init.h"

namespace agentd {

SodiumSecretGenerator::SodiumSecretGenerator() { ensure_sodium(); }

std::string SodiumSecretGenerator::random_token(std::size_t bytes) const {
  constexpr int kVariant = sodium_base64_VARIANT_URLSAFE_NO_PADDING;
  std::vector<unsigned char> raw(bytes);
  randombytes_buf(raw.data(), raw.size());
  std::string text(sodium_base64_ENCODED_LEN(bytes, kVariant), '\0');
  sodium_bin2base64(text.data(), text.size(), raw.data(), raw.size(), kVariant);
  sodium_memzero(raw.data(), raw.size());
  text.resize(std::strlen(text.c_str()));  // drop the terminating NUL the encoder writes
  return text;
}

std::string SodiumSecretGenerator::digest(std::string_view secret) const {
  unsigned char hash[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(hash, reinterpret_cast<const unsigned char*>(secret.data()), secret.size());
  std::string hex(sizeof hash * 2 + 1, '\0');
  sodium_bin2hex(hex.data(), hex.size(), hash, sizeof hash);
  hex.pop_back();
  return hex;
}

}  // namespace agentd
