// `agentd healthcheck`: asks the server this configuration describes whether it is ready, for
// a container's HEALTHCHECK in an image that has no shell and no curl.
#pragma once

#include <chrono>

#include "infrastructure/config/config.h"

namespace agentd {

inline constexpr std::chrono::milliseconds kHealthcheckTimeout{2'000};

// Sends GET /ready to the configured listen address (a wildcard address is reached on
// loopback) and returns 0 when the answer is 200; otherwise prints one line on standard error
// and returns 1. Connecting, sending and reading the status line share `timeout`.
int run_healthcheck(const config::Config& config,
                    std::chrono::milliseconds timeout = kHealthcheckTimeout);

}  // namespace agentd
