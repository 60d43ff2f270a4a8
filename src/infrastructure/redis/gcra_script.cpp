#include "infrastructure/redis/gcra_script.h"

namespace agentd::redis {
namespace {

// Lua numbers are doubles: microseconds since 1970 (about 2^51) are still exact. The TAT is
// written with %.0f because tostring() keeps only 14 significant digits. TIME is the server's
// clock, so replicas whose clocks disagree still share one bucket; Redis 7 replicates a
// script's effects, not the script, so reading the clock before writing is allowed.
constexpr std::string_view kGcraScript = R"lua(
local limit = math.max(1, math.floor(tonumber(ARGV[1])))
local interval = math.max(1, math.floor(60000000 / limit))
local capacity = interval * limit
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000000 + tonumber(time[2])
local stored = redis.call('GET', KEYS[1])
local tat = now
if stored then
  tat = math.max(tonumber(stored), now)
end
local new_tat = tat + interval
local allow_at = new_tat - capacity
if now < allow_at then
  return {0, limit, 0, allow_at - now, tat - now}
end
local reset_after = new_tat - now
redis.call('SET', KEYS[1], string.format('%.0f', new_tat), 'PX',
           math.max(1, math.ceil(reset_after / 1000)))
return {1, limit, math.floor((capacity - reset_after) / interval), 0, reset_after}
)lua";

}  // namespace

std::string_view gcra_script() { return kGcraScript; }

}  // namespace agentd::redis
