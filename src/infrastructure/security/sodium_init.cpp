#include "infrastructure/security/sodium_init.h"

#include <sodium.h>

#include <stdexcept>

namespace agentd {

void ensure_sodium() {
  // A function-local static is initialised exactly once, even under concurrent first calls.
  static const int status = sodium_init();
  if (status < 0) throw std::runtime_error("libsodium failed to initialise");
}

}  // namespace agentd
