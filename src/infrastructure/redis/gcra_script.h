// The GCRA of domain/ratelimit/gcra.cpp as one Lua script, so a bucket shared by every replica
// is read and updated atomically and timed by Redis's clock alone.
#pragma once

#include <string_view>

namespace agentd::redis {

// KEYS[1]: the bucket's key; ARGV[1]: the limit per minute. Returns
// {allowed (1 or 0), limit, remaining, retry_after_us, reset_after_us}.
std::string_view gcra_script();

}  // namespace agentd::redis
