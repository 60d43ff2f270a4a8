// Notices on Redis pub/sub: one PUBLISH reaches every replica's subscriber, the publisher's
// own included, as a line of text "<kind> <id> <ack key>". Each replica acts on the notice,
// then counts itself on the ack key (INCR); the publisher waits until the count reaches the
// number of subscribers PUBLISH reached, so the change it announces is in force everywhere by
// the time the request that made it answers.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "application/ports/notices.h"

namespace agentd::redis {

class RedisClient;

inline constexpr std::string_view kNoticesChannel = "agentd:notices";
// A replica that has not acted on a notice by then is waited for no longer (its cache entries
// expire within two seconds anyway).
inline constexpr std::chrono::milliseconds kNoticeAckTimeout{1'000};

// A notice as it travels, with the key its receivers acknowledge it on (empty: none asked).
struct NoticeMessage {
  Notice notice;
  std::string ack_key;

  bool operator==(const NoticeMessage&) const = default;
};

class RedisNotices final : public Notices {
 public:
  explicit RedisNotices(RedisClient& client,
                        std::chrono::milliseconds ack_timeout = kNoticeAckTimeout)
      : client_(client), ack_timeout_(ack_timeout) {}
  boost::asio::awaitable<void> publish(Notice notice) override;

 private:
  boost::asio::awaitable<void> await_acks(const std::string& ack_key, std::int64_t expected,
                                          const std::string& text);

  RedisClient& client_;
  std::chrono::milliseconds ack_timeout_;
};

// "session_revoked 42", "api_key_revoked 42 agentd:ack:…", "run_cancel_requested 42",
// "user_changed 42".
std::string format_notice(const Notice& notice, std::string_view ack_key = {});
// The notice a message on kNoticesChannel carries; nullopt for text it does not know.
std::optional<NoticeMessage> parse_notice(std::string_view text);
// Tells the publisher that this replica has acted on `message`; nothing when none was asked.
void acknowledge(RedisClient& client, const NoticeMessage& message);

}  // namespace agentd::redis
