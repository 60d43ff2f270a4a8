// Notices on Redis pub/sub: one PUBLISH reaches every replica's subscriber, the publisher's
// own included, as a line of text "<kind> <id>".
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "application/ports/notices.h"

namespace agentd::redis {

class RedisClient;

inline constexpr std::string_view kNoticesChannel = "agentd:notices";

class RedisNotices final : public Notices {
 public:
  explicit RedisNotices(RedisClient& client) : client_(client) {}
  boost::asio::awaitable<void> publish(Notice notice) override;

 private:
  RedisClient& client_;
};

// "session_revoked 42", "api_key_revoked 42", "run_cancel_requested 42", "user_changed 42".
std::string format_notice(const Notice& notice);
// The notice a message on kNoticesChannel carries; nullopt for text it does not know.
std::optional<Notice> parse_notice(std::string_view text);

}  // namespace agentd::redis
