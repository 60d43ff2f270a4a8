// A SecretSealer whose output is readable in test failures: "sealed-for:<opener>:<secret>".
// It opens only with the same opener, as the real one does.
#pragma once

#include <string>

#include "application/ports/secret_sealer.h"

namespace agentd {

class FakeSecretSealer : public SecretSealer {
 public:
  std::string seal(std::string_view secret, std::string_view opener) const override {
    return prefix(opener) + std::string(secret);
  }

  std::optional<std::string> open(std::string_view sealed, std::string_view opener) const override {
    const auto expected = prefix(opener);
    if (!sealed.starts_with(expected)) return std::nullopt;
    return std::string(sealed.substr(expected.size()));
  }

 private:
  static std::string prefix(std::string_view opener) {
    return "sealed-for:" + std::string(opener) + ":";
  }
};

}  // namespace agentd
