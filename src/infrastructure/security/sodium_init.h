// libsodium must be initialised once per process before any of its functions is used.
#pragma once

namespace agentd {

// Safe to call from any thread, any number of times; throws when libsodium cannot start
// (no usable entropy source), because nothing secure can run without it.
void ensure_sodium();

}  // namespace agentd
