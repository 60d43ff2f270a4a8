// Argon2id password hashing with libsodium, run on the blocking pool.
#pragma once

#include <cstddef>
#include <string>

#include "application/ports/password_hasher.h"

namespace agentd {

class BlockingPool;

// Argon2id's work factors: passes over memory, and the memory itself.
struct Argon2idCost {
  unsigned long long ops_limit = 0;
  std::size_t mem_limit = 0;

  // libsodium's interactive profile: about 64 MiB and tens of milliseconds per hash.
  static Argon2idCost interactive();
  // The cheapest cost libsodium accepts; for tests only, never for real passwords.
  static Argon2idCost minimum();
};

class SodiumPasswordHasher : public PasswordHasher {
 public:
  explicit SodiumPasswordHasher(BlockingPool& pool,
                                Argon2idCost cost = Argon2idCost::interactive());

  boost::asio::awaitable<std::string> hash(std::string password) const override;
  // Verifies against any hash libsodium can read, whatever cost it was made with.
  boost::asio::awaitable<bool> verify(std::string password, std::string hash) const override;

 private:
  BlockingPool& pool_;
  Argon2idCost cost_;
};

}  // namespace agentd
