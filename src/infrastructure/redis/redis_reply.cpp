#include "infrastructure/redis/redis_reply.h"

#include <hiredis/hiredis.h>

namespace agentd::redis {

Reply copy_reply(const redisReply& reply) {
  Reply copy;
  switch (reply.type) {
    case REDIS_REPLY_STRING:
      copy.type = Reply::Type::string;
      break;
    case REDIS_REPLY_STATUS:
      copy.type = Reply::Type::status;
      break;
    case REDIS_REPLY_ERROR:
      copy.type = Reply::Type::error;
      break;
    case REDIS_REPLY_INTEGER:
      copy.type = Reply::Type::integer;
      copy.integer = reply.integer;
      return copy;
    case REDIS_REPLY_ARRAY:
      copy.type = Reply::Type::array;
      copy.elements.reserve(reply.elements);
      for (std::size_t i = 0; i < reply.elements; ++i) {
        copy.elements.push_back(copy_reply(*reply.element[i]));
      }
      return copy;
    default:  // REDIS_REPLY_NIL
      return copy;
  }
  // Bulk strings are binary: the length, not a terminating zero, ends them.
  if (reply.str != nullptr) copy.text.assign(reply.str, reply.len);
  return copy;
}

Result<Reply> reply_result(const redisReply& reply) {
  if (reply.type == REDIS_REPLY_ERROR) {
    return Error{ErrorCode::internal, std::string(reply.str, reply.len), {}, "redis_error"};
  }
  return copy_reply(reply);
}

Error redis_unavailable(std::string_view why) {
  return Error::unavailable(std::string("Redis is unavailable: ").append(why), "redis_unavailable");
}

}  // namespace agentd::redis
