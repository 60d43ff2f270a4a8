// A PasswordHasher that costs nothing: the hash of "pw" is "hashed:pw". It counts its calls,
// so a test can prove a path spent the time of a real verification.
#pragma once

#include <atomic>
#include <string>

#include "application/ports/password_hasher.h"

namespace agentd {

class FakePasswordHasher : public PasswordHasher {
 public:
  static std::string hash_of(const std::string& password) { return "hashed:" + password; }

  boost::asio::awaitable<std::string> hash(std::string password) const override {
    ++hash_calls_;
    co_return hash_of(password);
  }

  boost::asio::awaitable<bool> verify(std::string password, std::string hash) const override {
    ++verify_calls_;
    co_return hash == hash_of(password);
  }

  int hash_calls() const { return hash_calls_.load(); }
  int verify_calls() const { return verify_calls_.load(); }

 private:
  mutable std::atomic<int> hash_calls_{0};
  mutable std::atomic<int> verify_calls_{0};
};

}  // namespace agentd
