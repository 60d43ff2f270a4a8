#include "infrastructure/redis/redis_notices.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "infrastructure/redis/redis_adapter_test.h"
#include "infrastructure/redis/redis_client.h"

namespace agentd::redis {
namespace {

TEST(RedisNotices, EveryKindSurvivesTheTripThroughText) {
  const std::vector<Notice> notices{
      {Notice::Kind::session_revoked, "0190a1b2-session"},
      {Notice::Kind::api_key_revoked, "0190a1b2-key"},
      {Notice::Kind::api_key_changed, "0190a1b2-key"},
      {Notice::Kind::run_cancel_requested, "0190a1b2-run"},
      {Notice::Kind::user_changed, "0190a1b2-user"},
  };
  for (const Notice& notice : notices) {
    const std::string text = format_notice(notice);
    EXPECT_EQ(parse_notice(text), (NoticeMessage{notice, ""})) << text;
    const std::string asking = format_notice(notice, "agentd:ack:00ff");
    EXPECT_EQ(parse_notice(asking), (NoticeMessage{notice, "agentd:ack:00ff"})) << asking;
  }
  EXPECT_EQ(format_notice({Notice::Kind::api_key_revoked, "k1"}), "api_key_revoked k1");
  EXPECT_EQ(format_notice({Notice::Kind::api_key_revoked, "k1"}, "agentd:ack:1"),
            "api_key_revoked k1 agentd:ack:1");
}

TEST(RedisNotices, UnknownTextIsNoNotice) {
  for (const std::string_view text :
       {"", "session_revoked", "session_revoked ", "session_revoked a b", "user_deleted 42",
        "SESSION_REVOKED 42", " session_revoked 42", "session_revoked 42 agentd:ack:",
        "session_revoked 42 agentd:ack:1 x", "session_revoked  agentd:ack:1"}) {
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
        if (channel != kNoticesChannel || !notice || notice->notice.id != cancel.id) {
          return;
        }
        std::lock_guard lock(mutex);
        received.push_back(std::move(notice->notice));
      });
  if (!subscriber) return;
  auto client = connect_client();
  if (!client) return;
  // This subscriber never acknowledges: the publisher waits for it no longer than this.
  RedisNotices notices(*client, std::chrono::milliseconds(200));

  run(notices.publish(cancel));

  ASSERT_TRUE(ThreadedIo::wait_until([&] {
    std::lock_guard lock(mutex);
    return !received.empty();
  }));
  std::lock_guard lock(mutex);
  EXPECT_EQ(received, std::vector<Notice>{cancel});
}

// What a revocation relies on: when publish returns, every subscriber has acted on the notice
// (here: recorded it, after a delay that publishing alone would not wait for).
TEST_F(RedisNoticesTest, PublishReturnsOnceEverySubscriberHasActedOnTheNotice) {
  const Notice revoked{Notice::Kind::api_key_revoked, fresh_name("key")};
  auto acker = connect_client();
  if (!acker) return;
  std::atomic<int> acted{0};
  auto on_message = [&](std::string_view, std::string_view message) {
    auto notice = parse_notice(message);
    if (!notice || notice->notice.id != revoked.id) {
      if (notice) acknowledge(*acker, *notice);  // another test's notice
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    ++acted;
    acknowledge(*acker, *notice);
  };
  auto first = subscribe({std::string(kNoticesChannel)}, on_message);
  auto second = subscribe({std::string(kNoticesChannel)}, on_message);
  if (!first || !second) return;
  auto client = connect_client();
  if (!client) return;
  RedisNotices notices(*client, std::chrono::seconds(10));

  const auto started = std::chrono::steady_clock::now();
  run(notices.publish(revoked));
  EXPECT_EQ(acted.load(), 2);
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(5));
}

TEST_F(RedisNoticesTest, ASubscriberThatNeverActsHoldsThePublisherOnlyUntilTheTimeout) {
  const Notice changed{Notice::Kind::user_changed, fresh_name("user")};
  auto deaf = subscribe({std::string(kNoticesChannel)}, [](std::string_view, std::string_view) {});
  if (!deaf) return;
  auto client = connect_client();
  if (!client) return;
  RedisNotices notices(*client, std::chrono::milliseconds(300));

  const auto started = std::chrono::steady_clock::now();
  run(notices.publish(changed));
  const auto waited = std::chrono::steady_clock::now() - started;
  EXPECT_GE(waited, std::chrono::milliseconds(300));
  EXPECT_LT(waited, std::chrono::seconds(5));
}

}  // namespace
}  // namespace agentd::redis
