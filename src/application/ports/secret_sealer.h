// Encrypts one secret under a key derived from another, so that whoever holds only the
// stored ciphertext (a database dump) cannot read it, and whoever holds the other secret can.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace agentd {

class SecretSealer {
 public:
  virtual ~SecretSealer() = default;
  // `secret` sealed under a key derived from `opener`; text, safe to store in a column.
  virtual std::string seal(std::string_view secret, std::string_view opener) const = 0;
  // The secret, or nothing when `sealed` was not sealed under `opener` or was altered.
  virtual std::optional<std::string> open(std::string_view sealed,
                                          std::string_view opener) const = 0;
};

}  // namespace agentd
