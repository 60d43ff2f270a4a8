// A TokenSigner that remembers the claims of every token it signed instead of signing them;
// it accepts only those tokens, until they expire.
#pragma once

#include <map>
#include <mutex>
#include <string>

#include "application/ports/token_signer.h"

namespace agentd {

class FakeTokenSigner : public TokenSigner {
 public:
  std::string sign(const AccessClaims& claims) const override {
    std::lock_guard lock(mutex_);
    auto token = "access-token-" + std::to_string(signed_.size() + 1);
    signed_.emplace(token, claims);
    return token;
  }

  Result<AccessClaims> verify(std::string_view token, Timestamp now) const override {
    std::lock_guard lock(mutex_);
    auto found = signed_.find(token);
    if (found == signed_.end() || now >= found->second.expires_at) {
      return Error{
          ErrorCode::unauthenticated, "invalid or expired access token", {}, "invalid_token"};
    }
    return found->second;
  }

 private:
  mutable std::mutex mutex_;
  mutable std::map<std::string, AccessClaims, std::less<>> signed_;  // by token
};

}  // namespace agentd
