#include "infrastructure/security/sodium_secret_sealer.h"

#include <sodium.h>

#include <array>
#include <vector>

#include "infrastructure/security/sodium_init.h"

namespace agentd {
namespace {

constexpr int kBase64 = sodium_base64_VARIANT_URLSAFE_NO_PADDING;

// The BLAKE2b key that separates sealing keys from every other hash of the same secret
// (refresh tokens are looked up by their SHA-256): a leaked lookup hash opens nothing.
constexpr std::string_view kKeyContext = "agentd.secret-sealer.key.v1";
static_assert(kKeyContext.size() >= crypto_generichash_KEYBYTES_MIN &&
              kKeyContext.size() <= crypto_generichash_KEYBYTES_MAX);

using Key = std::array<unsigned char, crypto_secretbox_KEYBYTES>;

const unsigned char* bytes(std::string_view text) {
  return reinterpret_cast<const unsigned char*>(text.data());
}

// Wipes the key when it goes out of scope, whichever way that happens.
struct SealingKey {
  explicit SealingKey(std::string_view opener) {
    crypto_generichash(key.data(), key.size(), bytes(opener), opener.size(), bytes(kKeyContext),
                       kKeyContext.size());
  }
  ~SealingKey() { sodium_memzero(key.data(), key.size()); }
  SealingKey(const SealingKey&) = delete;
  SealingKey& operator=(const SealingKey&) = delete;

  Key key{};
};

std::string to_base64(const std::vector<unsigned char>& raw) {
  std::string text(sodium_base64_ENCODED_LEN(raw.size(), kBase64), '\0');
  sodium_bin2base64(text.data(), text.size(), raw.data(), raw.size(), kBase64);
  text.pop_back();  // the terminating NUL the encoder writes
  return text;
}

std::optional<std::vector<unsigned char>> from_base64(std::string_view text) {
  if (text.empty()) return std::nullopt;  // and libsodium must not get a null buffer
  std::vector<unsigned char> raw(text.size());
  std::size_t length = 0;
  if (sodium_base642bin(raw.data(), raw.size(), text.data(), text.size(), nullptr, &length, nullptr,
                        kBase64) != 0) {
    return std::nullopt;
  }
  raw.resize(length);
  return raw;
}

}  // namespace

SodiumSecretSealer::SodiumSecretSealer() { ensure_sodium(); }

// Layout: nonce, then the ciphertext with its authentication tag.
std::string SodiumSecretSealer::seal(std::string_view secret, std::string_view opener) const {
  const SealingKey sealing(opener);
  std::vector<unsigned char> out(crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES +
                                 secret.size());
  randombytes_buf(out.data(), crypto_secretbox_NONCEBYTES);
  crypto_secretbox_easy(out.data() + crypto_secretbox_NONCEBYTES, bytes(secret), secret.size(),
                        out.data(), sealing.key.data());
  return to_base64(out);
}

std::optional<std::string> SodiumSecretSealer::open(std::string_view sealed,
                                                    std::string_view opener) const {
  auto raw = from_base64(sealed);
  constexpr std::size_t kOverhead = crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES;
  if (!raw || raw->size() < kOverhead) return std::nullopt;
  const SealingKey sealing(opener);
  std::string secret(raw->size() - kOverhead, '\0');
  if (crypto_secretbox_open_easy(reinterpret_cast<unsigned char*>(secret.data()),
                                 raw->data() + crypto_secretbox_NONCEBYTES,
                                 raw->size() - crypto_secretbox_NONCEBYTES, raw->data(),
                                 sealing.key.data()) != 0) {
    return std::nullopt;
  }
  return secret;
}

}  // namespace agentd
