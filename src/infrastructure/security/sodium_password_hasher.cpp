#include "infrastructure/security/sodium_password_hasher.h"

#include <sodium.h>

#include <new>

#include "infrastructure/concurrency/blocking_pool.h"
#include "infrastructure/security/sodium_init.h"

namespace agentd {

Argon2idCost Argon2idCost::interactive() {
  return {crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_INTERACTIVE};
}

Argon2idCost Argon2idCost::minimum() {
  return {crypto_pwhash_OPSLIMIT_MIN, crypto_pwhash_MEMLIMIT_MIN};
}

SodiumPasswordHasher::SodiumPasswordHasher(BlockingPool& pool, Argon2idCost cost)
    : pool_(pool), cost_(cost) {
  ensure_sodium();
}

// The work lambdas capture plain pointers into this coroutine's frame, which outlives the
// work because the coroutine waits for it. Capturing the parameters by reference instead
// miscompiles with GCC 12: the password's buffer ends up freed twice.
boost::asio::awaitable<std::string> SodiumPasswordHasher::hash(std::string password) const {
  std::string* secret = &password;
  co_return co_await pool_.run([secret, cost = cost_] {
    char out[crypto_pwhash_STRBYTES];
    // crypto_pwhash_str picks a fresh random salt and fails only when memory runs out.
    const int status =
        crypto_pwhash_str(out, secret->data(), secret->size(), cost.ops_limit, cost.mem_limit);
    sodium_memzero(secret->data(), secret->size());
    if (status != 0) throw std::bad_alloc();
    return std::string(out);
  });
}

boost::asio::awaitable<bool> SodiumPasswordHasher::verify(std::string password,
                                                          std::string hash) const {
  std::string* secret = &password;
  const std::string* stored = &hash;
  co_return co_await pool_.run([secret, stored] {
    const bool matches =
        crypto_pwhash_str_verify(stored->c_str(), secret->data(), secret->size()) == 0;
    sodium_memzero(secret->data(), secret->size());
    return matches;
  });
}

}  // namespace agentd
