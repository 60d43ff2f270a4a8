// hiredis's reply tree as agentd's Reply, and the errors a command can end in.
#pragma once

#include <string_view>

#include "domain/common/result.h"
#include "infrastructure/redis/redis_client.h"

struct redisReply;

namespace agentd::redis {

// A deep copy: hiredis frees its reply as soon as the callback returns.
Reply copy_reply(const redisReply& reply);

// The reply, or internal "redis_error" when the server answered with an error.
Result<Reply> reply_result(const redisReply& reply);

// The command got no reply: the connection is down, was lost, or the server took too long.
Error redis_unavailable(std::string_view why);

}  // namespace agentd::redis
