// A SecretGenerator with predictable output: numbered tokens as long as the base64url text of
// the requested bytes, and the digest of "s" is "digest:s".
#pragma once

#include <atomic>
#include <string>

#include "application/ports/secret_generator.h"

namespace agentd {

class FakeSecretGenerator : public SecretGenerator {
 public:
  // "token7_____…": unique while the number fits, padded to the unpadded base64url length.
  std::string random_token(std::size_t bytes) const override {
    auto token = "token" + std::to_string(++issued_);
    token.resize((bytes * 4 + 2) / 3, '_');
    return token;
  }

  std::string digest(std::string_view secret) const override {
    return "digest:" + std::string(secret);
  }

 private:
  mutable std::atomic<int> issued_{0};
};

}  // namespace agentd
