#include "infrastructure/redis/redis_notices.h"

#include <gtest/gtest.h>

#include <mutex>
#include <string>
#include <vector>

#include "infrastructure/redis/redis_adapter_test.h"
#include "infrastructure/redis/redis_client.h"

namespace agentd::redis {
namespace {

TEST(RedisNotices, EveryKindSurvivesTheTripThroughText) {
  const std::vector<Notice> notices{
      {Notice::Kind::session_revoked, "0190a1b2-session"},
      {Notice::Kind::api_key_revoked, "0190a1b2-key"},
      {Notice::Kind::run_cancel_requested, "0190a1b2-run"},
      {Notice::Kind::user_changed, "0190a1b2-user"},
  };
  for (const Notice& notice : notices) {
    const std::string text = format_notice(notice);
    EXPECT_EQ(parse_notice(text), notice) << text;
  }
  EXPECT_EQ(format_notice({Notice::Kind::api_key_revoked, "k1"}), "api_key_revoked k1");
}

TEST(RedisNotices, UnknownTextIsNoNotice) {
  for (const std::string_view text :
       {"", "session_revoked", "session_revoked ", "session_revoked a b", "user_deleted 42",
        "SESSION_REVOKED 42", " session_revoked 42"}) {
    EXPECT_EQ(parse_notice(text), std::nullopt) << "'" << text << "'";
  }
}

class RedisNoticesTest : public RedisAdapterTest {};

TEST_F(RedisNoticesTest, APublishedNoticeReachesASubscriber) {
  const Notice cancel{Notice::Kind::run_cancel_requested, fresh_name("run")};
  std::mutex mutex;
  std::vector<Notice> received;
  // Other tests may share the server: only this test's notice counts.
  auto subscriber = subscribe(
      {std::string(kNoticesChannel)}, [&](std::string_view channel, std::string_view message) {
        auto notice = parse_notice(message);
        if (channel != kNoticesChannel || !notice || notice->id != cancel.id) {
          return;
        }
        std::lock_guard lock(mutex);
        received.push_back(std::move(*notice));
      });
  if (!subscriber) return;
  auto client = connect_client();
  if (!client) return;
  RedisNotices notices(*client);

  run(notices.publish(cancel));

  ASSERT_TRUE(ThreadedIo::wait_until([&] {
    std::lock_guard lock(mutex);
    return !received.empty();
  }));
  std::lock_guard lock(mutex);
  EXPECT_EQ(received, std::vector<Notice>{cancel});
}

}  // namespace
}  // namespace agentd::redis
